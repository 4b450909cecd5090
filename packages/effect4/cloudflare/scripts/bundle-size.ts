/**
 * Bundle size of an Effect 4 Worker on the SDK (scripts/sdk-worker.ts: the example Worker's JSON proxy
 * on `@lyzr-effect/effect4-cloudflare`) against a minimal Effect 4 Worker doing one GET with Schema,
 * retry, timeout and a span (scripts/baseline-worker.ts), both built in this run the way wrangler
 * builds: esbuild, ESM, minified, platform neutral with the workerd/worker/browser conditions. Prints a
 * markdown table (gzip at level 9 and at zlib's default).
 *
 *   node scripts/node24.mjs node packages/effect4/cloudflare/scripts/bundle-size.ts [--metafile <dir>]
 */
import * as esbuild from "esbuild"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const build = async (entry: string) => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    minify: true,
    metafile: true,
    logLevel: "warning"
  })
  const bytes = result.outputFiles[0]!.contents
  return {
    minified: bytes.byteLength,
    gzip: gzipSync(bytes, { level: 9 }).byteLength,
    gzipDefault: gzipSync(bytes).byteLength,
    metafile: result.metafile
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`

const [sdk, baseline] = await Promise.all([build(here("./sdk-worker.ts")), build(here("./baseline-worker.ts"))])
const rows = [
  ["Effect 4 SDK Worker (effect4-cloudflare handler, list + get)", sdk],
  ["baseline: effect 4, one GET + Schema + retry + timeout + span", baseline]
] as const
console.log("| Worker bundle (esbuild, ESM, minified) | minified | gzip -9 | gzip -6 |")
console.log("| --- | ---: | ---: | ---: |")
for (const [name, size] of rows) {
  console.log(
    `| ${name} | ${size.minified} B (${kib(size.minified)}) | ${size.gzip} B (${
      kib(size.gzip)
    }) | ${size.gzipDefault} B |`
  )
}
console.log(
  `| ratio SDK / baseline | ${(sdk.minified / baseline.minified).toFixed(3)}× | ${
    (sdk.gzip / baseline.gzip).toFixed(3)
  }× | ${(sdk.gzipDefault / baseline.gzipDefault).toFixed(3)}× |`
)
const at = process.argv.indexOf("--metafile")
if (at !== -1) {
  const dir = process.argv[at + 1] ?? "."
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}/effect4-sdk.meta.json`, JSON.stringify(sdk.metafile))
  writeFileSync(`${dir}/effect4-baseline.meta.json`, JSON.stringify(baseline.metafile))
  console.log(`\n${await esbuild.analyzeMetafile(sdk.metafile, { verbose: false })}`)
}
