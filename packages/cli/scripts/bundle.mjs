// Bundles the CLI into one self-contained ESM file, dist/bin.js, runnable by plain `node`.
//
// Why a bundle: inside the workspace, @lyzr-effect/core, /node and /emulator export their .ts
// sources, which plain node cannot load; and a CLI is a leaf application, so carrying its own copy
// of effect (no app imports it, so no "two copies of Effect" risk) makes it one file that starts
// without resolving hundreds of modules. Node built-ins stay external; CommonJS dependencies
// (undici) get a `require` from createRequire.
import { build } from "esbuild"
import { rm } from "node:fs/promises"
import { fileURLToPath } from "node:url"

export const bundle = async ({ outfile = fileURLToPath(new URL("../dist/bin.js", import.meta.url)) } = {}) => {
  await build({
    entryPoints: [fileURLToPath(new URL("../src/bin.ts", import.meta.url))],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minifySyntax: true,
    legalComments: "none",
    logLevel: "warning",
    banner: {
      js:
        "import { createRequire as __createRequire } from \"node:module\"; const require = __createRequire(import.meta.url);"
    }
  })
  // tsc's map of its own (unbundled) bin.js would now describe the wrong file.
  await rm(`${outfile}.map`, { force: true })
  return outfile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = await bundle()
  console.log(`bundled ${outfile}`)
}
