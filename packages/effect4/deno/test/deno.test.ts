/**
 * Drives the Deno side from vitest, so `pnpm test:effect4` covers it: the Deno.test suite, `deno check`,
 * `deno publish --dry-run`, a script from the checkout, and runs with too few permissions — all under the
 * real deno binary from the `deno` npm package, with DENO_DIR inside node_modules/.cache and `--no-prompt`.
 * Deno resolves every import from the workspace's node_modules (`"nodeModulesDir": "manual"` in this
 * package's deno.json: `effect` is 4.x here), so it never needs the network.
 */
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { describe, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const rootDir = join(packageDir, "../../..")

// The binary the `deno` npm package installs (its bin.cjs wrapper would add a Node process per call).
const deno: string = createRequire(join(packageDir, "package.json"))("deno/install_api.cjs").runInstall()

const lyzrEnv = ["LYZR_API_KEY", "LYZR_BASE_URL", "LYZR_TIMEOUT", "LYZR_MAX_RETRIES", "LYZR_ALLOW_INSECURE_HTTP"]
const allowEnv = `--allow-env=${lyzrEnv.join(",")}`
// Unroutable proxies: any attempt to reach jsr.io or a registry fails (loopback stays direct, see NO_PROXY).
const offline = { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" }

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly output: string
}

/** Runs deno with a clean LYZR_* environment; never rejects (the exit code is asserted). */
const run = (args: ReadonlyArray<string>, options: { cwd?: string; env?: Record<string, string> } = {}) =>
  new Promise<Result>((resolve) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      DENO_DIR: join(packageDir, "node_modules/.cache/deno"),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      // Deno's fetch honours HTTP(S)_PROXY (Node's does not): keep loopback traffic off any proxy.
      NO_PROXY: ["127.0.0.1", "localhost", process.env.NO_PROXY].filter(Boolean).join(","),
      ...options.env
    }
    for (const key of lyzrEnv) if (options.env?.[key] === undefined) delete env[key]
    execFile(
      deno,
      [...args],
      { cwd: options.cwd ?? packageDir, env, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ code, stdout, stderr, output: `$ deno ${args.join(" ")}\n${stdout}\n${stderr}` })
      }
    )
  })

/** Asserts exit code 0, printing deno's whole output otherwise. */
const expectSuccess = (result: Result) => expect(result.code, result.output).toBe(0)

const probe = async (flags: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = await run(["run", "--no-prompt", ...flags, "test-deno/probe-layer-config.ts"], { env })
  expectSuccess(result)
  return { ...JSON.parse(result.stdout.trim()), output: result.output }
}

describe("effect4-deno under the deno binary", () => {
  it.concurrent("the Deno.test suite passes under the real deno binary", async () => {
    const result = await run(["test", "--no-prompt", "--no-check", "--allow-net=127.0.0.1", allowEnv, "test-deno/"])
    expectSuccess(result)
    expect(result.stdout).toMatch(/ok \| \d+ passed \| 0 failed/)
  })

  it.concurrent("deno check passes for the package, its Deno tests and the checkout script", async () => {
    expectSuccess(await run(["check", "src/", "test-deno/", "test-checkout/"]))
  })

  it.concurrent("deno publish --dry-run passes offline (JSR metadata, no slow types)", async () => {
    const result = await run(["publish", "--dry-run", "--allow-dirty", "--no-check"], { env: offline })
    expectSuccess(result)
    expect(result.output).toContain("Simulating publish of @lyzr-effect/effect4-deno@")
    expect(result.output).toContain("README.md")
    expect(result.output).toContain("Dry run complete")
  })

  it.concurrent("from the package folder of a checkout, a script imports the packages by name from the sources, offline", async () => {
    const script = "test-checkout/main.ts"
    const result = await run(["run", "--no-prompt", "--allow-net=127.0.0.1", script], { env: offline })
    expectSuccess(result)
    const printed = JSON.parse(result.stdout.trim())
    const source = (path: string) => pathToFileURL(join(rootDir, path)).href
    expect(printed.resolved).toMatchObject({
      "@lyzr-effect/effect4-core": source("packages/effect4/core/src/index.ts"),
      "@lyzr-effect/emulator/Emulator": source("packages/emulator/src/Emulator.ts")
    })
    expect(printed.resolved.effect).toContain("/node_modules/")
    expect(printed.effectVersion).toMatch(/^4\./)
    expect(printed.ids).toEqual(["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
    expect(printed.first).toEqual({ id: "ase_customer_support_001", enabled: true })
    expect(printed.missing).toEqual({ tag: "SessionNotFound", status: 404 })
    // Deno left the package as it was: no lockfile.
    expect(existsSync(join(packageDir, "deno.lock"))).toBe(false)
  })

  it.concurrent("without --allow-env, layerConfig fails with a ConfigError naming --allow-env with every LYZR_* key", async () => {
    const outcome = await probe([])
    expect(outcome, outcome.output).toMatchObject({ outcome: "failure", _tag: "ConfigError", cause: "SourceError" })
    expect(outcome.text).toContain(allowEnv)
  })

  it.concurrent("without --allow-net, a call fails at once with a TransportError naming --allow-net=<host>", async () => {
    const apiKey = "sk-deno-probe-secret-0123456789"
    const outcome = await probe([allowEnv], {
      LYZR_API_KEY: apiKey,
      LYZR_BASE_URL: "http://127.0.0.1:45999",
      LYZR_MAX_RETRIES: "10"
    })
    expect(outcome, outcome.output).toMatchObject({ outcome: "failure", _tag: "TransportError" })
    expect(outcome.text).toContain("--allow-net=127.0.0.1")
    expect(outcome.output).not.toContain(apiKey)
    // Not retried: ten retries of the default backoff would wait at least 40 s.
    expect(outcome.elapsedMs, outcome.output).toBeLessThan(5_000)
  })
})
