// Bundles the CLI into one self-contained ESM file, dist/bin.js, runnable by plain `node`, and stamps
// the package's version into the build.
//
// Why a bundle: inside the workspace, @lyzr-effect/core, /node and /emulator export their .ts
// sources, which plain node cannot load; and a CLI is a leaf application, so carrying its own copy
// of effect (no app imports it, so no "two copies of Effect" risk) makes it one file that starts
// without resolving hundreds of modules. Node built-ins stay external; CommonJS dependencies
// (undici) get a `require` from createRequire. Everything else is inside, which is why the package
// has no runtime dependencies: installing it installs one package.
//
// The version: src/internal/version.ts reads the identifier __LYZR_CLI_VERSION__, defined here from
// package.json (esbuild `define` for the bundle; the same replacement in tsc's dist/internal/version.js
// for the library entry). `--version` therefore always prints the version in package.json.
import { build } from "esbuild"
import { readFile, rm, writeFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"

const identifier = "__LYZR_CLI_VERSION__"

/** The version in package.json, as the bundle and the library print it. */
export const packageVersion = async () =>
  JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")).version

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
    define: { [identifier]: JSON.stringify(await packageVersion()) },
    banner: {
      js:
        "import { createRequire as __createRequire } from \"node:module\"; const require = __createRequire(import.meta.url);"
    }
  })
  // tsc's map of its own (unbundled) bin.js would now describe the wrong file.
  await rm(`${outfile}.map`, { force: true })
  return outfile
}

/** Replaces the version identifier in tsc's output for the library entry (`dist/internal/version.js`). */
export const stampLibrary = async (
  { file = fileURLToPath(new URL("../dist/internal/version.js", import.meta.url)) } = {}
) => {
  const code = await readFile(file, "utf8")
  const version = JSON.stringify(await packageVersion())
  if (code.includes(identifier)) await writeFile(file, code.replaceAll(identifier, version))
  else if (!code.includes(version)) throw new Error(`${file}: neither ${identifier} nor ${version} in it`)
  return file
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const library = await stampLibrary()
  const outfile = await bundle()
  console.log(`stamped ${library}\nbundled ${outfile}`)
}
