/**
 * Drives the Deno side from vitest, so the one README test command covers it: the Deno.test suite,
 * `deno check`, `deno publish --dry-run`, the example, and runs with too few permissions — all under
 * the real deno binary from the `deno` npm package, with DENO_DIR inside node_modules/.cache and
 * `--no-prompt`; and a script run from the repository root that imports the packages by name from
 * the checkout (the root `deno.json` import map). Deno resolves every import from the workspace's node_modules
 * (`"nodeModulesDir": "manual"`), so it never needs the network.
 */
import { execFile } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const rootDir = join(packageDir, "../..")
const exampleDir = join(rootDir, "examples/deno-script")

// The binary the `deno` npm package installs (its bin.cjs wrapper would add a Node process per call).
const deno: string = createRequire(join(packageDir, "package.json"))("deno/install_api.cjs").runInstall()

const lyzrEnv = ["LYZR_API_KEY", "LYZR_BASE_URL", "LYZR_TIMEOUT", "LYZR_MAX_RETRIES", "LYZR_ALLOW_INSECURE_HTTP"]
const allowEnv = `--allow-env=${lyzrEnv.join(",")}`
const exampleFlags = ["--allow-net=127.0.0.1", `${allowEnv},LYZR_AGENT_ID`]

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
    for (const key of [...lyzrEnv, "LYZR_AGENT_ID"]) if (options.env?.[key] === undefined) delete env[key]
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

/** Deno's summary line: `ok | 23 passed (1 step) | 0 failed | 1 ignored (2s)`. */
const denoSummary = (output: string) => {
  const match = /^(ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \| (\d+) ignored)?/m.exec(output)
  return match === null
    ? undefined
    : { ok: match[1] === "ok", passed: Number(match[2]), failed: Number(match[3]), ignored: Number(match[4] ?? 0) }
}

/** How many `Deno.test(` calls the files hold (a test registered in a loop counts once: a lower bound). */
const declaredDenoTests = (files: ReadonlyArray<string>): number =>
  files.reduce((sum, file) => sum + (readFileSync(file, "utf8").match(/^\s*Deno\.test\(/gm)?.length ?? 0), 0)

/**
 * Fails unless deno ran tests and all passed: `deno test` exits 0 with "ok | 0 passed | 0 failed" when a
 * file registers no test (an empty file, a wrong path filter, every test behind a condition), which a
 * `\d+ passed` match would take for success. At least `declared` must have passed.
 */
const expectDenoTestsPassed = (output: string, declared: number): void => {
  const summary = denoSummary(output)
  expect(summary, `no "ok | N passed | ..." summary in deno's output:\n${output}`).toBeDefined()
  expect(summary!.failed, output).toBe(0)
  expect(summary!.ok, output).toBe(true)
  expect(summary!.passed, `deno ran no test:\n${output}`).toBeGreaterThan(0)
  expect(summary!.passed, `fewer tests passed than the files declare (${declared}):\n${output}`)
    .toBeGreaterThanOrEqual(declared)
}

/** Asserts exit code 0, printing deno's whole output otherwise. */
const expectSuccess = (result: Result) => expect(result.code, result.output).toBe(0)

const probe = async (flags: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = await run(["run", "--no-prompt", ...flags, "test-deno/probe-layer-config.ts"], { env })
  expectSuccess(result)
  return { ...JSON.parse(result.stdout.trim()), output: result.output }
}

// Deno 2.9, on a resolution failure, rewrites the root package.json with a "workspaces" field it
// derives from pnpm-workspace.yaml. Nothing here should ever fail to resolve; if it does, say so.
const rootManifest = () => JSON.parse(readFileSync(join(rootDir, "package.json"), "utf8")) as Record<string, unknown>
const hadWorkspaces = "workspaces" in rootManifest()
afterAll(() => {
  if (!hadWorkspaces && "workspaces" in rootManifest()) {
    throw new Error("deno added \"workspaces\" to the root package.json (a module failed to resolve): remove it")
  }
})

describe("deno", () => {
  it.concurrent("the Deno.test suite passes under the real deno binary", async () => {
    const result = await run(["test", "--no-prompt", "--no-check", "--allow-net=127.0.0.1", allowEnv, "test-deno/"])
    expectSuccess(result)
    const files = readdirSync(join(packageDir, "test-deno")).filter((name) => name.endsWith(".test.ts"))
    expectDenoTestsPassed(result.stdout, declaredDenoTests(files.map((name) => join(packageDir, "test-deno", name))))
  })

  it.concurrent("deno check passes for the package, its Deno tests and the example", async () => {
    expectSuccess(await run(["check", "src/", "test-deno/", join(exampleDir, "main.ts")]))
  })

  it.concurrent("deno publish --dry-run passes offline (JSR metadata, no slow types)", async () => {
    // Unroutable proxies: any attempt to reach jsr.io or npm would fail the dry run.
    const offline = { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" }
    const result = await run(["publish", "--dry-run", "--allow-dirty", "--no-check"], { env: offline })
    expectSuccess(result)
    expect(result.output).toContain("Dry run complete")
  })

  it.concurrent("the example lists and fetches sessions against the emulator with the narrowest permissions", async () => {
    const result = await run(["run", "--no-prompt", ...exampleFlags, "main.ts"], { cwd: exampleDir })
    expectSuccess(result)
    expect(result.stdout).toContain("agt_customer_support has 3 sessions")
    expect(result.stdout).toContain("ase_customer_support_001")
    expect(result.stdout).toContain("SessionNotFound (status 404)")
  })

  it.concurrent("the example without --allow-net for the real service's host prints a TransportError naming the flag", async () => {
    const apiKey = "sk-deno-example-secret-0123456789"
    const result = await run(["run", "--no-prompt", ...exampleFlags, "main.ts"], {
      cwd: exampleDir,
      env: { LYZR_API_KEY: apiKey, LYZR_BASE_URL: "https://agent-prod.studio.lyzr.ai" }
    })
    expect(result.code, result.output).toBe(1)
    expect(result.stderr).toContain("TransportError")
    expect(result.stderr).toContain("--allow-net=agent-prod.studio.lyzr.ai")
    expect(result.output).not.toContain(apiKey)
    expect(result.stderr).not.toMatch(/^\s+at /m)
  })

  it.concurrent("from the root of the checkout, a script imports @lyzr-effect/* by name from the sources, offline", async () => {
    const script = "packages/deno/test-checkout/main.ts"
    const manifestBefore = readFileSync(join(rootDir, "package.json"), "utf8")
    // Unroutable proxies: any attempt to reach a registry would fail (loopback stays direct).
    const offline = { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" }
    expectSuccess(await run(["check", script], { cwd: rootDir, env: offline }))
    const result = await run(["run", "--no-prompt", "--allow-net=127.0.0.1", script], { cwd: rootDir, env: offline })
    expectSuccess(result)
    const printed = JSON.parse(result.stdout.trim())
    const source = (path: string) => pathToFileURL(join(rootDir, path)).href
    expect(printed.resolved).toMatchObject({
      "@lyzr-effect/core": source("packages/core/src/index.ts"),
      "@lyzr-effect/deno": source("packages/deno/src/index.ts"),
      "@lyzr-effect/emulator": source("packages/emulator/src/index.ts"),
      "@lyzr-effect/emulator/deno": source("packages/emulator/src/deno.ts")
    })
    expect(printed.resolved.effect).toContain("/node_modules/")
    expect(printed.ids).toEqual(["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
    expect(printed.first).toEqual({ id: "ase_customer_support_001", enabled: true })
    expect(printed.missing).toEqual({ tag: "SessionNotFound", status: 404 })
    // Deno left the checkout as it was: no lockfile, no "workspaces" written into package.json.
    expect(existsSync(join(rootDir, "deno.lock"))).toBe(false)
    expect(readFileSync(join(rootDir, "package.json"), "utf8")).toBe(manifestBefore)
  })

  it("the root deno.json maps every export of wire, core, deno and emulator to the file package.json names", () => {
    const rootConfig = JSON.parse(readFileSync(join(rootDir, "deno.json"), "utf8")) as {
      imports: Record<string, string>
    }
    const expected: Record<string, string> = {}
    for (const dir of ["wire", "core", "deno", "emulator"]) {
      const manifest = JSON.parse(readFileSync(join(rootDir, "packages", dir, "package.json"), "utf8")) as {
        name: string
        exports: Record<string, string | null>
      }
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (target === null || !target.endsWith(".ts")) continue
        expected[manifest.name + subpath.slice(1)] = `./packages/${dir}/${target.slice(2)}`
      }
    }
    expect(rootConfig.imports).toEqual(expected)
  })

  it.concurrent("without --allow-env, layerConfig fails with a ConfigError naming --allow-env with every LYZR_* key", async () => {
    const outcome = await probe([])
    expect(outcome, outcome.output).toMatchObject({ outcome: "failure", _op: "SourceUnavailable" })
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

describe("the deno test driver's check", () => {
  it("fails a run in which no test ran (ok | 0 passed), fewer than declared passed, or any failed", () => {
    const empty = "running 0 tests from ./test-deno/empty.test.ts\n\nok | 0 passed | 0 failed (12ms)\n"
    expect(() => expectDenoTestsPassed(empty, 0)).toThrow(/deno ran no test/)
    expect(() => expectDenoTestsPassed("ok | 2 passed | 0 failed (1ms)", 3)).toThrow(/fewer tests passed/)
    expect(() => expectDenoTestsPassed("FAILED | 2 passed | 1 failed (1ms)", 1)).toThrow()
    expect(() => expectDenoTestsPassed("error: Module not found \"file:///x.ts\"", 1)).toThrow(/no "ok/)
    expect(() => expectDenoTestsPassed("ok | 2 passed (1 step) | 0 failed | 1 ignored (8ms)", 2)).not.toThrow()
  })
})
