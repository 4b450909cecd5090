import { spawn } from "node:child_process"
import { existsSync, mkdirSync } from "node:fs"
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
    expect(output).toMatch(/ok \| 12 passed \| 0 failed/)
  }, 60_000)
})
