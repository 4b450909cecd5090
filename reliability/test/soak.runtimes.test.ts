/**
 * The fault soak on the other runtimes, at a smaller scale: the calls run under the real deno binary
 * (DenoLyzr, Deno's fetch) and in real workerd through Miniflare (CloudflareLyzr.layerEnv, workerd's
 * fetch, one Worker request per call), against the emulator served by this Node process with
 * `serveNode`, so the faults are real socket faults. The verdict is the Node soak's.
 *
 * 200 calls each in CI (RELIABILITY_RUNTIME_SOAK overrides), 1,000 with RELIABILITY=full.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import * as esbuild from "esbuild"
import { Miniflare } from "miniflare"
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import {
  burstRule,
  burstSize,
  faultRules,
  type Outcome,
  pool,
  report,
  scaled,
  soakFixture,
  soakKey,
  verdict
} from "./support/soak.ts"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const calls = scaled("RELIABILITY_RUNTIME_SOAK", 200, 1_000)
const concurrency = 64
const maxAttempts = 3
const testTimeout = Math.max(120_000, calls * 300)

/** The emulator with the soak's faults, served on loopback; four bursts of 503s spread over the run. */
const soakServer = async (seed: number) => {
  // The verdict reads every attempt from the log: room for all of them (the default keeps 1,000).
  const emulator = Emulator.make({
    fixture: soakFixture(calls),
    seed,
    faults: faultRules(),
    requestLogSize: calls * maxAttempts
  })
  const server = await serveNode(emulator)
  const thresholds = [1, 3, 5, 7].map((k) => Math.floor((calls * k * 1.45) / 8))
  const bursts = setInterval(() => {
    const seen = emulator.requests.length
    while (thresholds.length > 0 && seen >= thresholds[0]!) {
      thresholds.shift()
      emulator.inject(burstRule(burstSize(calls)))
    }
  }, 20)
  return {
    emulator,
    server,
    close: async () => {
      clearInterval(bursts)
      await server.close()
    }
  }
}

const check = (
  runtime: string,
  outcomes: ReadonlyArray<Outcome>,
  log: ReadonlyArray<Emulator.LoggedRequest>,
  extra: object
) => {
  const result = verdict(outcomes, log, maxAttempts)
  report(`${runtime} soak ${JSON.stringify({ ...result, ...extra })}`)
  expect(result.mismatches).toEqual([])
  expect(result.calls).toBe(calls)
  expect(result.defects).toBe(0)
  expect(result.keyLeaks).toBe(0)
  // The answers echoing the key (`echoFaults`) were served, so the leak check saw it in its forms.
  expect((result.faultsByType["status"] ?? 0) + (result.faultsByType["redirect"] ?? 0)).toBeGreaterThan(0)
  expect(result.maxAttempts).toBeLessThanOrEqual(maxAttempts)
  expect(result.faultShare).toBeGreaterThan(0.2)
  expect(result.lateAttempts).toBeLessThanOrEqual(Math.ceil(result.attempts / 10))
}

describe("fault soak on the other runtimes", () => {
  it.concurrent(`Deno: ${calls} calls through DenoLyzr under the real deno binary`, async () => {
    const deno: string = createRequire(join(packageDir, "package.json"))("deno/install_api.cjs").runInstall()
    const { close, emulator, server } = await soakServer(11)
    try {
      const args = [
        "run",
        "--no-prompt",
        "--no-check",
        "--allow-net=127.0.0.1",
        "test-deno/soak.ts",
        server.url,
        soakKey,
        String(calls),
        String(concurrency)
      ]
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        execFile(
          deno,
          args,
          {
            cwd: packageDir,
            env: {
              ...process.env,
              DENO_DIR: join(packageDir, "node_modules/.cache/deno"),
              DENO_NO_UPDATE_CHECK: "1",
              NO_COLOR: "1"
            },
            timeout: testTimeout - 10_000,
            maxBuffer: 64 * 1024 * 1024
          },
          (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
        )
      )
      expect(result.code, `$ deno ${args.join(" ")}\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`)
        .toBe(0)
      const report = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as {
        runtime: string
        elapsedMs: number
        unhandledRejections: number
        outcomes: Array<Outcome>
      }
      expect(report.unhandledRejections).toBe(0)
      check("deno", report.outcomes, emulator.requests, {
        runtime: report.runtime,
        elapsedMs: report.elapsedMs,
        unhandledRejections: 0
      })
    } finally {
      await close()
    }
  }, testTimeout)

  it.concurrent(`Workers: ${calls} calls through CloudflareLyzr.layerEnv in real workerd (Miniflare)`, async () => {
    const { close, emulator, server } = await soakServer(13)
    const built = await esbuild.build({
      entryPoints: [join(packageDir, "test/workers/soak.ts")],
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      logLevel: "silent"
    })
    const mf = new Miniflare({
      modules: true,
      script: built.outputFiles[0]!.text,
      compatibilityDate: "2025-09-01",
      bindings: { LYZR_API_KEY: soakKey, LYZR_BASE_URL: server.url, LYZR_TIMEOUT: "5000" }
    })
    try {
      await mf.ready
      const started = performance.now()
      const outcomes = await pool(calls, concurrency, async (i) => {
        const response = await mf.dispatchFetch(`http://worker.test/call/${i}`)
        return (await response.json()) as Outcome
      })
      check("workerd", outcomes, emulator.requests, { elapsedMs: Math.round(performance.now() - started) })
    } finally {
      await mf.dispose()
      await close()
    }
  }, testTimeout)
})
