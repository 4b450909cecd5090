import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")

// The npm `deno` package places the real binary beside its package.json on
// install; `bin.cjs` is its launcher when it did not.
const denoCommand = (): { readonly command: string; readonly prefix: ReadonlyArray<string> } => {
  const dir = dirname(createRequire(join(packageDir, "package.json")).resolve("deno/package.json"))
  const binary = join(dir, process.platform === "win32" ? "deno.exe" : "deno")
  return existsSync(binary)
    ? { command: binary, prefix: [] }
    : { command: process.execPath, prefix: [join(dir, "bin.cjs")] }
}

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

const run = (args: ReadonlyArray<string>) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const denoDir = join(packageDir, "node_modules", ".cache", "deno")
    mkdirSync(denoDir, { recursive: true })
    const { command, prefix } = denoCommand()
    const child = spawn(command, [...prefix, ...args], {
      cwd: packageDir,
      env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += chunk))
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, output }))
  })

describe("serveDeno under the real Deno", () => {
  it("passes test-deno/serve.test.ts (endpoints, errors, faults, control API, close)", async () => {
    // --no-check: tsc already type-checks src/; Deno's own check costs ~3 s of CPU per run.
    const { code, output } = await run([
      "test",
      "--no-prompt",
      "--no-check",
      "--allow-net=127.0.0.1",
      "test-deno/serve.test.ts"
    ])
    if (code !== 0) console.error(output)
    expect(code, output).toBe(0)
    expectDenoTestsPassed(output, declaredDenoTests([join(packageDir, "test-deno/serve.test.ts")]))
  }, 60_000)
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
