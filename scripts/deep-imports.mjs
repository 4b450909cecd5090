// The bundle-size scripts' second comparison: a Worker's source with each barrel import of Effect
// (`import { Effect, Schema } from "effect"`, `"effect/http"`, `"@effect/platform"`) rewritten to the
// modules' own paths (`import * as Effect from "effect/Effect"`).
//
// esbuild (wrangler's bundler) keeps every export of a namespace reached through a barrel, so a Worker
// written with barrel imports ships all of `Schema`, `Effect`, ... whatever it uses of them. Both sides of
// the first comparison are written that way, as most users write; this one shows what the SDK adds to a
// Worker whose author imported by path. The SDK's own packages import by path already (eslint enforces it).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname } from "node:path"

const barrel = /^import\s+(type\s+)?\{([^}]*)\}\s*from\s*"(effect|effect\/http|@effect\/platform)"[ \t]*;?[ \t]*$/gm

/**
 * An esbuild `stdin` entry with the source of `entry`, its barrel imports of Effect rewritten to the
 * modules' paths. Throws when a name is not a module of its barrel (nothing to rewrite it to).
 *
 * @param {string} entry absolute path of the Worker's source
 * @returns {{ contents: string, resolveDir: string, sourcefile: string, loader: "ts" }}
 */
export const byPath = (entry) => {
  const require = createRequire(entry)
  const contents = readFileSync(entry, "utf8").replace(
    barrel,
    (_, typeOnly, names, source) =>
      names.split(",").map((name) => name.trim()).filter(Boolean).map((spec) => {
        const isType = Boolean(typeOnly) || spec.startsWith("type ")
        const [name, alias = name] = spec.replace(/^type\s+/, "").split(/\s+as\s+/)
        require.resolve(`${source}/${name}`)
        return `import ${isType ? "type " : ""}* as ${alias} from "${source}/${name}"`
      }).join("\n")
  )
  return { contents, resolveDir: dirname(entry), sourcefile: entry, loader: "ts" }
}
