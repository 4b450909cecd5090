import { describe, expect, it } from "@effect/vitest"
import { type ChartRow, ratioChart, rowsFromMarkdown, series, subtitleFromMarkdown } from "../src/chart.ts"

const row = (kind: "get" | "list", name: string, concurrency: number, median: number, min = median, max = median) =>
  ({
    kind,
    name,
    concurrency,
    ratio: { median, min, max }
  }) satisfies ChartRow

const rows: ReadonlyArray<ChartRow> = [
  row("get", "floor: undici.request + JSON.parse + shape check", 1, 1),
  row("get", "NodeLyzr get()", 1, 4.32, 3.33, 5.73),
  row("get", "FetchHttpClient + Schema", 1, 6.21, 5.47, 9.31),
  row("list", "floor: undici.request + JSON.parse + shape check", 1, 1),
  row("list", "NodeLyzr list()", 1, 5.88, 4.73, 7.05),
  row("get", "floor: undici.request + JSON.parse + shape check", 64, 1),
  row("get", "NodeLyzr get()", 64, 6.24, 5.89, 9.85),
  row("get", "FetchHttpClient + Schema", 64, 8, 6.86, 13.99),
  row("list", "floor: undici.request + JSON.parse + shape check", 64, 1),
  row("list", "NodeLyzr list()", 64, 6.5, 5, 8.2)
]

/** The bars of a chart as the SVG describes them. */
const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" ([^>]*)\/>/g)].map(([, attributes]) => {
    const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attributes!)![1]!
    return {
      contender: attribute("data-contender"),
      concurrency: Number(attribute("data-concurrency")),
      ratio: Number(attribute("data-ratio")),
      x: Number(attribute("x")),
      width: Number(attribute("width")),
      fill: attribute("fill")
    }
  })

describe("ratioChart", () => {
  const svg = ratioChart(rows, { subtitle: "2026-11-23 19:32 UTC · a 2-core machine" })

  it("draws one bar per contender and concurrency, floors excluded", () => {
    const drawn = bars(svg)
    expect(drawn.map((b) => `${b.contender} @${b.concurrency}`)).toEqual([
      "get · NodeLyzr get() @1",
      "get · NodeLyzr get() @64",
      "get · FetchHttpClient + Schema @1",
      "get · FetchHttpClient + Schema @64",
      "list · NodeLyzr list() @1",
      "list · NodeLyzr list() @64"
    ])
    expect(drawn.map((b) => b.ratio)).toEqual([4.32, 6.24, 6.21, 8, 5.88, 6.5])
  })

  it("makes bar lengths proportional to the ratios, from one origin", () => {
    const drawn = bars(svg)
    expect(new Set(drawn.map((b) => b.x)).size).toBe(1)
    const perUnit = drawn.map((b) => b.width / b.ratio)
    for (const value of perUnit) expect(value).toBeCloseTo(perUnit[0]!, 0)
    // FetchHttpClient at 64 (8×) is 8 / 4.32 times as long as NodeLyzr at 1 (4.32×).
    const [nodeLyzr1, , , fetch64] = drawn
    expect(fetch64!.width / nodeLyzr1!.width).toBeCloseTo(8 / 4.32, 1)
  })

  it("colours each concurrency as its legend says", () => {
    for (const bar of bars(svg)) {
      expect(bar.fill).toBe(series.find((s) => s.concurrency === bar.concurrency)!.color)
    }
    expect(svg).toContain(">concurrency 1</text>")
    expect(svg).toContain(">concurrency 64</text>")
  })

  it("labels every contender, every value, the floor line and the axis", () => {
    for (const label of ["get · NodeLyzr get()", "get · FetchHttpClient + Schema", "list · NodeLyzr list()"]) {
      expect(svg).toContain(`${label}</text>`)
    }
    for (const value of ["4.32×", "6.24×", "6.21×", "8.00×", "5.88×", "6.50×"]) {
      expect(svg).toContain(`>${value}</text>`)
    }
    expect(svg).toContain(">floor = 1×</text>")
    expect(svg).toMatch(/<line class="floor" x1="([\d.]+)"/)
    // The axis reaches past the longest whisker (13.99×).
    expect(svg).toContain(">14×</text>")
    expect(svg).toContain("2026-11-23 19:32 UTC · a 2-core machine")
  })

  it("puts the floor line at 1× on the bars' scale", () => {
    const [first] = bars(svg)
    const floorX = Number(/<line class="floor" x1="([\d.]+)"/.exec(svg)![1])
    expect(floorX - first!.x).toBeCloseTo(first!.width / first!.ratio, 0)
  })

  it("escapes contender names for XML and stays one well-formed document", () => {
    const odd = ratioChart([row("get", "a <b> & \"c\"", 1, 2)])
    expect(odd).toContain("a &lt;b&gt; &amp; &quot;c&quot;")
    expect(odd).not.toContain("<b>")
    expect(odd.trim().startsWith("<svg ")).toBe(true)
    expect(odd.trim().endsWith("</svg>")).toBe(true)
    expect(odd.match(/<text/g)!.length).toBe(odd.match(/<\/text>/g)!.length)
  })
})

describe("rowsFromMarkdown", () => {
  const block = [
    "- Date: 2026-11-23 19:32 UTC",
    "- Machine: AMD EPYC × 2, Node v20.20.2",
    "",
    "| endpoint | contender | concurrency | µs/request (median) | µs spread | × floor (median) | × floor spread | client CPU µs/request |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    "| get | floor: undici.request + JSON.parse + shape check | 1 | 112 | 94.8–136 | **1.00×** | 1.00×–1.00× | 94.8 |",
    "| get | NodeLyzr get() | 64 | 430 | 427–470 | **6.24×** | 5.89×–9.85× | 511 |",
    "",
    "| shape | IDs | body | JSON.parse | JSON.parse + Schema | floor (loopback) | NodeLyzr list() | list() × floor |",
    "| documented | 1,000 | 15 KiB | 0.024 ms | 0.201 ms (8.29×) | 0.256 ms | 0.674 ms | **2.63×** |"
  ].join("\n")

  it("reads the request rows of the results block back, and nothing else", () => {
    expect(rowsFromMarkdown(block)).toEqual([
      row("get", "floor: undici.request + JSON.parse + shape check", 1, 1, 1, 1),
      row("get", "NodeLyzr get()", 64, 6.24, 5.89, 9.85)
    ])
  })

  it("takes the subtitle from the date and machine lines", () => {
    expect(subtitleFromMarkdown(block)).toBe("2026-11-23 19:32 UTC · AMD EPYC × 2, Node v20.20.2")
    expect(subtitleFromMarkdown("no results yet")).toBeUndefined()
  })
})
