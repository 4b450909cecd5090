import { describe, expect, it } from "@effect/vitest"
import { ratioChart } from "../src/chart.ts"
import * as Suite from "../src/suite.ts"

// The suite with tiny counts, so that it cannot rot: every row must produce a number. No timing is asserted.
describe("bench smoke", () => {
  it("every row of the suite produces a finite number", { timeout: 60_000 }, async () => {
    const results = await Suite.run(Suite.smoke)
    expect(results.requests.length).toBeGreaterThan(0)
    for (const row of results.requests) {
      expect(Number.isFinite(row.micros.median), row.name).toBe(true)
      expect(Number.isFinite(row.ratio.median), row.name).toBe(true)
    }
    expect(results.decode).toHaveLength(Suite.smoke.decodeSizes.length * 2)
    for (const row of results.decode) expect(Number.isFinite(row.ratio)).toBe(true)
    expect(results.heap.map((row) => row.calls)).toEqual([Suite.smoke.heap.first, Suite.smoke.heap.second])
    for (const row of results.heap) expect(row.heapUsedBytes).toBeGreaterThan(0)
    // The chart `pnpm bench` saves: a bar for every row but the floors.
    const bars = ratioChart(results.requests).match(/<rect class="bar"/g) ?? []
    expect(bars).toHaveLength(results.requests.filter((row) => !row.name.startsWith("floor")).length)
  })
})
