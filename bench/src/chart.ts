/**
 * The request results as a picture: each contender's ratio to the floor of its endpoint, at
 * concurrency 1 and 64, as grouped horizontal bars (median) with min–max whiskers. A hand-written
 * SVG string (no dependency); `pnpm bench` saves it as bench/results/ratios.svg and BENCHMARKS.md
 * shows it. Pure functions only: main.ts and drawChart.ts do the file I/O.
 */
import type { RequestRow } from "./suite.ts"

/** What the chart reads of a request row (a `RequestRow` fits, and so does a row parsed back from BENCHMARKS.md). */
export type ChartRow = Pick<RequestRow, "kind" | "name" | "concurrency" | "ratio">

export interface ChartOptions {
  readonly title?: string
  /** A second line under the title, e.g. the date and machine of the run. */
  readonly subtitle?: string
  /** Contenders whose label is set in bold (default: the SDK's own, `NodeLyzr …`). */
  readonly highlight?: (name: string) => boolean
}

/** The concurrencies drawn, in order, with their colours (colour-blind safe blue and orange). */
export const series: ReadonlyArray<{ readonly concurrency: number; readonly color: string }> = [
  { concurrency: 1, color: "#4c78a8" },
  { concurrency: 64, color: "#f58518" }
]

/** Floors are the unit of the chart (a dashed line at 1×), not bars. */
const isFloor = (row: ChartRow) => row.name.startsWith("floor")

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const fixed = (value: number) => Number(value.toFixed(1)).toString()

/** A step for the grid: 1, 2 or 5 times a power of ten, giving at most about 10 lines. */
const gridStep = (max: number) => {
  const raw = max / 10
  const power = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw)!
}

/** Width in px of `text` at `size` px: a generous average for proportional sans-serif fonts. */
const textWidth = (text: string, size: number) => text.length * size * 0.56

/**
 * The SVG document. Groups follow the order of `rows` (endpoint, then contender, as the suite runs
 * them); within a group one bar per concurrency in `series`. Each bar carries `data-*` attributes
 * (contender, concurrency, ratio) so tests and tools can read it back.
 */
export const ratioChart = (rows: ReadonlyArray<ChartRow>, options: ChartOptions = {}): string => {
  const title = options.title ?? "Ratio to the undici floor (lower is better)"
  const highlight = options.highlight ?? ((name: string) => name.startsWith("NodeLyzr"))
  const groups: Array<{ readonly label: string; readonly kind: string; readonly name: string }> = []
  for (const row of rows) {
    if (isFloor(row) || groups.some((g) => g.kind === row.kind && g.name === row.name)) continue
    groups.push({ label: `${row.kind} · ${row.name}`, kind: row.kind, name: row.name })
  }
  const find = (kind: string, name: string, concurrency: number) =>
    rows.find((r) => r.kind === kind && r.name === name && r.concurrency === concurrency)

  const barHeight = 16
  const barGap = 3
  const groupGap = 16
  const groupHeight = series.length * barHeight + (series.length - 1) * barGap
  const labelSize = 13
  const left = 24 + Math.max(...groups.map((g) => textWidth(g.label, labelSize)), 80)
  const plotWidth = 520
  const right = 70
  const top = options.subtitle === undefined ? 78 : 96
  const plotHeight = groups.length * groupHeight + Math.max(groups.length - 1, 0) * groupGap
  const axisGap = 34
  const width = Math.ceil(left + plotWidth + right)
  const height = Math.ceil(top + plotHeight + axisGap + 16)

  const drawn = rows.filter((r) => !isFloor(r))
  const max = Math.max(1, ...drawn.map((r) => Math.max(r.ratio.median, r.ratio.max)))
  const step = gridStep(max)
  const axisMax = Math.ceil(max / step) * step
  const x = (ratio: number) => left + (ratio / axisMax) * plotWidth

  const out: Array<string> = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img" aria-labelledby="chart-title">`
  )
  out.push(`<title id="chart-title">${escape(title)}</title>`)
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`)
  out.push(`<text x="24" y="30" font-size="17" font-weight="600" fill="#222">${escape(title)}</text>`)
  if (options.subtitle !== undefined) {
    out.push(`<text x="24" y="50" font-size="12" fill="#555">${escape(options.subtitle)}</text>`)
  }
  // Legend, under the title.
  const legendY = top - 24
  let legendX = 24
  for (const s of series) {
    out.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${s.color}"/>`)
    const text = `concurrency ${s.concurrency}`
    out.push(`<text x="${legendX + 18}" y="${legendY}" font-size="12" fill="#333">${text}</text>`)
    legendX += 18 + textWidth(text, 12) + 24
  }
  out.push(
    `<text x="${
      fixed(legendX)
    }" y="${legendY}" font-size="12" fill="#555">bar: median of the rounds · whisker: min–max</text>`
  )

  // Grid and axis.
  const plotBottom = top + plotHeight
  for (let value = 0; value <= axisMax + 1e-9; value += step) {
    const gx = fixed(x(value))
    out.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${plotBottom + 6}" stroke="#e3e3e3" stroke-width="1"/>`
    )
    out.push(
      `<text x="${gx}" y="${plotBottom + 22}" font-size="11" fill="#555" text-anchor="middle">${fixed(value)}×</text>`
    )
  }
  const floorX = fixed(x(1))
  out.push(
    `<line class="floor" x1="${floorX}" y1="${top - 6}" x2="${floorX}" y2="${plotBottom + 6}" ` +
      `stroke="#222" stroke-width="1.5" stroke-dasharray="5 3"/>`
  )
  out.push(
    `<text x="${floorX}" y="${top - 10}" font-size="11" fill="#222" text-anchor="middle">floor = 1×</text>`
  )

  groups.forEach((group, index) => {
    const groupTop = top + index * (groupHeight + groupGap)
    out.push(
      `<text class="label" x="${fixed(left - 12)}" y="${fixed(groupTop + groupHeight / 2 + 4.5)}" ` +
        `font-size="${labelSize}"${highlight(group.name) ? ` font-weight="600"` : ""} fill="#222" text-anchor="end">${
          escape(group.label)
        }</text>`
    )
    series.forEach((s, i) => {
      const row = find(group.kind, group.name, s.concurrency)
      if (row === undefined) return
      const y = groupTop + i * (barHeight + barGap)
      const barEnd = x(row.ratio.median)
      out.push(
        `<rect class="bar" data-contender="${escape(`${row.kind} · ${row.name}`)}" ` +
          `data-concurrency="${s.concurrency}" data-ratio="${row.ratio.median}" ` +
          `x="${left}" y="${y}" width="${fixed(barEnd - left)}" height="${barHeight}" fill="${s.color}"/>`
      )
      const mid = fixed(y + barHeight / 2)
      const [lo, hi] = [fixed(x(row.ratio.min)), fixed(x(row.ratio.max))]
      if (row.ratio.max > row.ratio.min) {
        out.push(
          `<path class="whisker" d="M${lo} ${mid}H${hi}M${lo} ${fixed(y + 4)}V${fixed(y + barHeight - 4)}M${hi} ${
            fixed(y + 4)
          }V${fixed(y + barHeight - 4)}" stroke="#333" stroke-width="1" fill="none"/>`
        )
      }
      const labelX = fixed(Math.max(barEnd, x(row.ratio.max)) + 6)
      out.push(
        `<text class="value" x="${labelX}" y="${fixed(y + barHeight / 2 + 4)}" font-size="11" fill="#222">${
          row.ratio.median.toFixed(2)
        }×</text>`
      )
    })
  })
  out.push(`</svg>`)
  return out.join("\n") + "\n"
}

/**
 * The request rows back from the results block of BENCHMARKS.md (the table `markdown` writes), to
 * redraw the chart without re-running the suite. Ratio cells read `**4.32×**` and `3.33×–5.73×`.
 */
export const rowsFromMarkdown = (text: string): Array<ChartRow> => {
  const ratio = (cell: string) => Number(cell.replace(/[*×]/g, "").trim())
  const rows: Array<ChartRow> = []
  for (const line of text.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim())
    if (cells.length !== 8 || (cells[0] !== "get" && cells[0] !== "list")) continue
    const [kind, name, concurrency, , , median, spread] = cells as [
      "get" | "list",
      string,
      string,
      string,
      string,
      string,
      string
    ]
    const [min, max] = spread.split("–").map(ratio) as [number, number]
    rows.push({ kind, name, concurrency: Number(concurrency), ratio: { median: ratio(median), min, max } })
  }
  return rows
}

/** The subtitle for a chart: the date and machine lines of the results block, when present. */
export const subtitleFromMarkdown = (text: string): string | undefined => {
  const date = /^- Date: (.+)$/m.exec(text)?.[1]
  const machine = /^- Machine: (.+)$/m.exec(text)?.[1]
  return date === undefined ? undefined : [date, machine].filter((part) => part !== undefined).join(" · ")
}

/** Where `pnpm bench` saves the chart (BENCHMARKS.md links it from the repository root). */
export const chartFile = new URL("../results/ratios.svg", import.meta.url)
