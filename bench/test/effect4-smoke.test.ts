import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** The cells of the Markdown rows whose first cell starts with `name`. */
const rowsOf = (output: string, name: string): Array<Array<string>> =>
  output.split("\n")
    .filter((line) => line.startsWith(`| ${name}`))
    .map((line) => line.split("|").slice(1, -1).map((cell) => cell.trim()))

const ratio = (cell: string): number => Number(cell.replace(/[*x×]/g, ""))

/** The script run with `--smoke` and `args`, on Node 24, as the package's `bench:effect4` runs it. */
const runSmoke = (args: ReadonlyArray<string>, timeout: number) =>
  spawnSync(
    process.execPath,
    ["scripts/node24.mjs", "node", "--expose-gc", "bench/src/effect4.ts", "--smoke", ...args],
    { cwd: root, encoding: "utf8", timeout }
  )

// `pnpm --filter @lyzr-effect/bench bench:effect4` with tiny counts, on Node 24 as that command runs it, so that
// it cannot rot: every row must produce a number. No timing is asserted.
describe("bench:effect4 smoke", () => {
  it("every row of the Effect 4 script produces a finite number", { timeout: 120_000 }, () => {
    const run = runSmoke([], 110_000)
    expect(run.status, run.stderr).toBe(0)
    const gets = [
      ...rowsOf(run.stdout, "effect4-node NodeLyzr get()"),
      ...rowsOf(run.stdout, "undici's handler API by hand")
    ]
    expect(gets.map((cells) => cells[1])).toEqual(["1", "64", "1", "64"])
    for (const cells of gets) expect(Number.isFinite(ratio(cells[3]!)), cells.join(" | ")).toBe(true)
    const lists = [...rowsOf(run.stdout, "documented"), ...rowsOf(run.stdout, "live")]
    expect(lists).toHaveLength(4)
    for (const cells of lists) expect(Number.isFinite(ratio(cells[7]!)), cells.join(" | ")).toBe(true)
    const heap = run.stdout.split("\n").filter((line) => /^\| [\d,]+ \| [\d.]+ MiB \|$/.test(line))
    expect(heap).toHaveLength(2)
    expect(run.stdout).toMatch(/Growth: -?\d+ KiB over 150 calls/)
  })

  it("refuses a --rounds that is not a whole number of 1 or more, naming the flag, before any work", {
    timeout: 60_000
  }, () => {
    const run = runSmoke(["--rounds", "0"], 50_000)
    expect(run.status).toBe(2)
    expect(run.stderr.trim()).toBe("bench:effect4: --rounds takes a whole number of rounds, 1 or more (got 0)")
    expect(run.stdout).toBe("")
  })
})
