/**
 * "Nothing at module scope does I/O, starts timers or draws random numbers" (DESIGN.md; Workers forbid
 * it), checked for every module of every package (packages/<name>/src, packages/effect4/<name>/src;
 * the two command-line bins aside, whose loading is their run): each is loaded in a fresh Node process
 * (test/moduleScope/probe.ts) with timers, randomness, fetch, sockets, files and the environment watched.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { join, relative } from "node:path"

const repoDir = join(import.meta.dirname, "../../..")
const probeDir = join(import.meta.dirname, "moduleScope")

interface Report {
  readonly events: ReadonlyArray<{ readonly what: string; readonly module: string; readonly at: string }>
  readonly failures: ReadonlyArray<{ readonly module: string; readonly error: string }>
  readonly loaded: number
}

/** Loads `modules` in a fresh Node process (TypeScript through tsx) and reports what ran under `roots`. */
const probe = (roots: ReadonlyArray<string>, modules: ReadonlyArray<string>) =>
  new Promise<Report>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", join(probeDir, "probe.ts"), roots.join(","), ...modules],
      { cwd: repoDir, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null) return reject(new Error(`the probe failed: ${error.message}\n${stderr}`))
        resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as Report)
      }
    )
  )

const sourceDirs = [
  ...readdirSync(join(repoDir, "packages")).filter((name) => name !== "effect4").map((name) => `packages/${name}/src`),
  ...readdirSync(join(repoDir, "packages/effect4")).map((name) => `packages/effect4/${name}/src`)
].filter((dir) => existsSync(join(repoDir, dir)))

const modulesIn = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? modulesIn(join(dir, entry.name))
      : /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") && entry.name !== "bin.ts"
      ? [join(dir, entry.name)]
      : []
  )

describe("module scope", () => {
  it(
    "the probe sees a timer, a random number and the environment used while a module loads, not inside functions",
    async () => {
      const report = await probe([probeDir + "/"], [join(probeDir, "leaky.ts"), join(probeDir, "clean.ts")])
      expect(report.failures).toEqual([])
      expect(report.events.map((e) => [relative(probeDir, e.module), e.what])).toEqual([
        ["leaky.ts", "a random number (Math.random)"],
        ["leaky.ts", "a timer (setTimeout)"],
        ["leaky.ts", "the environment (process.env.HOME)"],
        ["leaky.ts", "a random UUID (crypto.randomUUID)"]
      ])
    },
    120_000
  )

  it("no module of any package does I/O, starts a timer or draws a random number while it loads", async () => {
    const modules = sourceDirs.flatMap((dir) => modulesIn(join(repoDir, dir)))
    expect(sourceDirs).toContain("packages/effect4/core/src")
    expect(modules.length).toBeGreaterThanOrEqual(40)
    const report = await probe(sourceDirs.map((dir) => join(repoDir, dir) + "/"), modules)
    expect(report.failures).toEqual([])
    expect(report.loaded).toBe(modules.length)
    expect(report.events.map((e) => `${relative(repoDir, e.module)}: ${e.what} ${e.at}`)).toEqual([])
  }, 120_000)
})
