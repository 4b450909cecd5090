/**
 * `pnpm bench`: runs the suite, writes the results into BENCHMARKS.md (between the results
 * markers, keeping the notes around them) and draws the ratios chart (bench/results/ratios.svg).
 * `--smoke` runs it with tiny counts and writes nothing.
 */
import { spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import { fileURLToPath } from "node:url"
import { chartFile, ratioChart, subtitleFromMarkdown } from "./chart.ts"
import { markdown } from "./report.ts"
import * as Suite from "./suite.ts"

const smoke = process.argv.includes("--smoke")
const config = smoke ? Suite.smoke : Suite.full
const started = performance.now()
const results = await Suite.run(config, (line) => console.log(`[bench] ${line}`))
// The Workers rows again on Node 24 without a TypeScript loader (workersStandalone.ts): workerd runs a
// current V8, closer to Node 24's than to Node 20's, and a bundled Worker runs without tsx's wrappers.
console.log("[bench] workers handlers on Node 24")
const node24 = spawnSync(
  process.execPath,
  [
    fileURLToPath(new URL("../../scripts/node24.mjs", import.meta.url)),
    "node",
    "--experimental-transform-types",
    "--no-warnings",
    fileURLToPath(new URL("./workersStandalone.ts", import.meta.url)),
    ...(smoke ? ["--smoke"] : [])
  ],
  { encoding: "utf8" }
)
if (node24.status !== 0) throw new Error(`bench: the Node 24 Workers rows failed:\n${node24.stderr}`)
const text = markdown(results, config, smoke ? "pnpm --filter @lyzr-effect/bench bench:smoke" : "pnpm bench") +
  "\n\n### Workers handlers on Node 24, no TypeScript loader (`bench/src/workersStandalone.ts`, same method)\n\n" +
  node24.stdout.trim()
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
