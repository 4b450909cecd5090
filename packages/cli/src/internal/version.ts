/**
 * The package's version, from package.json at build time: `scripts/bundle.mjs` replaces the
 * identifier below in `dist/bin.js` (an esbuild `define`) and in the library's compiled
 * `dist/internal/version.js`; the test runner defines it too (`vitest.config.ts`). Read at build time,
 * not at run time, so nothing does I/O at module scope and the bundle needs no package.json beside it.
 */
declare const __LYZR_CLI_VERSION__: string | undefined

/** What `--version` prints. Sources run by a tool that defines nothing say so instead of guessing. */
export const version: string = typeof __LYZR_CLI_VERSION__ === "string"
  ? __LYZR_CLI_VERSION__
  : "0.0.0-unbuilt"
