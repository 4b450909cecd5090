/**
 * `pnpm --filter @lyzr-effect/bench chart`: redraws bench/results/ratios.svg from the results
 * already in BENCHMARKS.md, without re-running the suite (e.g. after changing how the chart looks).
 */
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import { chartFile, ratioChart, rowsFromMarkdown, subtitleFromMarkdown } from "./chart.ts"

const file = fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url))
const text = Fs.readFileSync(file, "utf8")
const block = text.slice(text.indexOf("<!-- results:start -->"), text.indexOf("<!-- results:end -->"))
const rows = rowsFromMarkdown(block)
if (rows.length === 0) {
  console.error(`[bench] no request rows between the results markers of ${file}: run pnpm bench first`)
  process.exitCode = 1
} else {
  const subtitle = subtitleFromMarkdown(block)
  Fs.mkdirSync(new URL(".", chartFile), { recursive: true })
  Fs.writeFileSync(chartFile, ratioChart(rows, subtitle === undefined ? {} : { subtitle }))
  console.log(`[bench] drew ${rows.length} rows into ${fileURLToPath(chartFile)}`)
}
