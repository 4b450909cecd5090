/**
 * `pnpm bench`: runs the suite on Node 24 with Node's own type stripping, so that what is measured is
 * the SDK's code as it ships (tsc's output is the same code without its types). A TypeScript loader
 * would measure something else: tsx compiles with esbuild's `keepNames`, which wraps every function the
 * SDK creates per call in a `__name(...)` call, a cost no user's build has. It writes the results into
 * BENCHMARKS.md (between the results markers, keeping the notes around them) and draws the ratios chart
 * (bench/results/ratios.svg).
 * `--smoke` runs it with tiny counts and writes nothing.
 */
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import { chartFile, ratioChart, subtitleFromMarkdown } from "./chart.ts"
import { markdown } from "./report.ts"
import * as Suite from "./suite.ts"

const smoke = process.argv.includes("--smoke")
const config = smoke ? Suite.smoke : Suite.full
const started = performance.now()
const results = await Suite.run(config, (line) => console.log(`[bench] ${line}`))
const text = markdown(results, config, smoke ? "pnpm --filter @lyzr-effect/bench bench:smoke" : "pnpm bench")
console.log(`\n${text}\n`)
console.log(`[bench] finished in ${((performance.now() - started) / 1000).toFixed(0)} s`)

if (!smoke) {
  const file = fileURLToPath(new URL("../../BENCHMARKS.md", import.meta.url))
  const start = "<!-- results:start -->"
  const end = "<!-- results:end -->"
  const block = `${start}\n${text}\n${end}`
  const current = Fs.existsSync(file) ? Fs.readFileSync(file, "utf8") : `# Benchmarks\n\n${start}\n${end}\n`
  const a = current.indexOf(start)
  const b = current.indexOf(end)
  const next = a === -1 || b === -1
    ? `${current}\n${block}\n`
    : current.slice(0, a) + block + current.slice(b + end.length)
  Fs.writeFileSync(file, next)
  console.log(`[bench] wrote ${file}`)
  const subtitle = subtitleFromMarkdown(text)
  Fs.mkdirSync(new URL(".", chartFile), { recursive: true })
  Fs.writeFileSync(chartFile, ratioChart(results.requests, subtitle === undefined ? {} : { subtitle }))
  console.log(`[bench] wrote ${fileURLToPath(chartFile)}`)
}
