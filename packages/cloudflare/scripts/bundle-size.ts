/**
 * Bundle size of the example Worker (examples/cloudflare-worker) against a minimal Effect + Schema +
 * HttpClient Worker (scripts/baseline-worker.ts), both built in this run the way wrangler builds:
 * esbuild, ESM, minified, platform neutral with the workerd/worker/browser conditions. Prints a
 * markdown table (gzip at level 9, like wrangler's upload estimate uses zlib defaults: both shown).
 *
 *   npx tsx packages/cloudflare/scripts/bundle-size.ts [--metafile <dir>]
 */
import * as esbuild from "esbuild"
import { mkdirSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { workerBuildOptions } from "./workerBuild.ts"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const build = async (entry: string) => {
  const result = await esbuild.build({
    ...workerBuildOptions,
    entryPoints: [entry],
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
  const [example, baseline] = await Promise.all([
    build(here("../../../examples/cloudflare-worker/src/index.ts")),
    build(here("./baseline-worker.ts"))
  ])
  const rows = [
    ["examples/cloudflare-worker (SDK + handler)", example],
    ["baseline: Effect + Schema + FetchHttpClient, one GET + decode", baseline]
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
    `| ratio example / baseline | ${(example.minified / baseline.minified).toFixed(3)}× | ${
      (example.gzip / baseline.gzip).toFixed(3)
    }× | ${(example.gzipDefault / baseline.gzipDefault).toFixed(3)}× |`
  )
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
