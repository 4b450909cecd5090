/**
 * Bundle size of the example Worker (examples/cloudflare-worker) against a minimal Effect + Schema +
 * HttpClient Worker (scripts/baseline-worker.ts), both built in this run the way wrangler builds:
 * esbuild, ESM, minified, platform neutral with the workerd/worker/browser conditions. Prints a
 * markdown table (gzip at level 9, like wrangler's upload estimate uses zlib defaults: both shown).
 *
 * Both are then built again with their barrel imports of Effect (`import { Effect } from "effect"`)
 * rewritten to the modules' paths (`scripts/deep-imports.mjs`): esbuild keeps a whole namespace reached
 * through a barrel, so the first pair shows the SDK in a Worker written as most users write, the second
 * what it adds to a Worker whose author imported by path.
 *
 *   npx tsx packages/cloudflare/scripts/bundle-size.ts [--metafile <dir>]
 */
import * as esbuild from "esbuild"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { byPath } from "../../../scripts/deep-imports.mjs"
import { workerBuildOptions } from "./workerBuild.ts"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const build = async (entry: string, rewrite = false) => {
  const result = await esbuild.build({
    ...workerBuildOptions,
    ...(rewrite ? { stdin: byPath(entry) } : { entryPoints: [entry] }),
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

const main = async () => {
  const exampleEntry = here("../../../examples/cloudflare-worker/src/index.ts")
  const baselineEntry = here("./baseline-worker.ts")
  const [example, baseline, exampleByPath, baselineByPath] = await Promise.all([
    build(exampleEntry),
    build(baselineEntry),
    build(exampleEntry, true),
    build(baselineEntry, true)
  ])
  console.log("| Worker bundle (esbuild, ESM, minified) | minified | gzip -9 | gzip -6 |")
  console.log("| --- | ---: | ---: | ---: |")
  const row = (name: string, size: Awaited<ReturnType<typeof build>>) =>
    console.log(
      `| ${name} | ${size.minified} B (${kib(size.minified)}) | ${size.gzip} B (${
        kib(size.gzip)
      }) | ${size.gzipDefault} B |`
    )
  const ratio = (name: string, a: Awaited<ReturnType<typeof build>>, b: Awaited<ReturnType<typeof build>>) =>
    console.log(
      `| ${name} | ${(a.minified / b.minified).toFixed(3)}× | ${(a.gzip / b.gzip).toFixed(3)}× | ${
        (a.gzipDefault / b.gzipDefault).toFixed(3)
      }× |`
    )
  row("examples/cloudflare-worker (SDK + handler)", example)
  row("baseline: Effect + Schema + FetchHttpClient, one GET + decode", baseline)
  ratio("**ratio example / baseline**", example, baseline)
  row("the example, Effect imported by path", exampleByPath)
  row("the baseline, Effect imported by path", baselineByPath)
  ratio("ratio example / baseline, both importing by path", exampleByPath, baselineByPath)
  const at = process.argv.indexOf("--metafile")
  if (at !== -1) {
    const dir = process.argv[at + 1] ?? "."
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${dir}/example.meta.json`, JSON.stringify(example.metafile))
    writeFileSync(`${dir}/baseline.meta.json`, JSON.stringify(baseline.metafile))
    console.log(`\n${await esbuild.analyzeMetafile(example.metafile, { verbose: false })}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
