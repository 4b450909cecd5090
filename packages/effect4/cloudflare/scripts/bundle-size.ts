/**
 * Bundle size of an Effect 4 Worker on the SDK (scripts/sdk-worker.ts: the example Worker's JSON proxy
 * on `@lyzr-effect/effect4-cloudflare`) against a minimal Effect 4 Worker doing one GET with Schema,
 * retry, timeout and a span (scripts/baseline-worker.ts), both built in this run the way wrangler
 * builds: esbuild, ESM, minified, platform neutral with the workerd/worker/browser conditions. Prints a
 * markdown table (gzip at level 9 and at zlib's default).
 *
 * Both are then built again with their barrel imports of Effect (`import { Effect } from "effect"`)
 * rewritten to the modules' paths (`scripts/deep-imports.mjs`): esbuild keeps a whole namespace reached
 * through a barrel, so the first pair shows the SDK in a Worker written as most users write, the second
 * what it adds to a Worker whose author imported by path.
 *
 *   node scripts/node24.mjs node packages/effect4/cloudflare/scripts/bundle-size.ts [--metafile <dir>]
 */
import * as esbuild from "esbuild"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { byPath } from "../../../../scripts/deep-imports.mjs"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const build = async (entry: string, rewrite = false) => {
  const result = await esbuild.build({
    ...(rewrite ? { stdin: byPath(entry) } : { entryPoints: [entry] }),
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

const [sdk, baseline, sdkByPath, baselineByPath] = await Promise.all([
  build(here("./sdk-worker.ts")),
  build(here("./baseline-worker.ts")),
  build(here("./sdk-worker.ts"), true),
  build(here("./baseline-worker.ts"), true)
])
type Size = Awaited<ReturnType<typeof build>>
const row = (name: string, size: Size) =>
  console.log(
    `| ${name} | ${size.minified} B (${kib(size.minified)}) | ${size.gzip} B (${
      kib(size.gzip)
    }) | ${size.gzipDefault} B |`
  )
const ratio = (name: string, a: Size, b: Size) =>
  console.log(
    `| ${name} | ${(a.minified / b.minified).toFixed(3)}× | ${(a.gzip / b.gzip).toFixed(3)}× | ${
      (a.gzipDefault / b.gzipDefault).toFixed(3)
    }× |`
  )
console.log("| Worker bundle (esbuild, ESM, minified) | minified | gzip -9 | gzip -6 |")
console.log("| --- | ---: | ---: | ---: |")
row("Effect 4 SDK Worker (effect4-cloudflare handler, list + get)", sdk)
row("baseline: effect 4, one GET + Schema + retry + timeout + span", baseline)
ratio("**ratio SDK / baseline**", sdk, baseline)
row("the SDK Worker, Effect imported by path", sdkByPath)
row("the baseline, Effect imported by path", baselineByPath)
ratio("ratio SDK / baseline, both importing by path", sdkByPath, baselineByPath)
const at = process.argv.indexOf("--metafile")
if (at !== -1) {
  const dir = process.argv[at + 1] ?? "."
  mkdirSync(dir, { recursive: true })
  writeFileSync(`${dir}/effect4-sdk.meta.json`, JSON.stringify(sdk.metafile))
  writeFileSync(`${dir}/effect4-baseline.meta.json`, JSON.stringify(baseline.metafile))
  console.log(`\n${await esbuild.analyzeMetafile(sdk.metafile, { verbose: false })}`)
}
