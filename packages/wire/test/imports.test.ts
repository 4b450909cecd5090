import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"

const sourceDir = join(import.meta.dirname, "../src")

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.[cm]?[jt]sx?$/.test(entry.name)
      ? [join(dir, entry.name)]
      : []
  )

/** The code without comments, so that an import in an @example is not read as one. */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")

/**
 * Every module a file loads: `import ... from "x"` (over any number of lines, `import type` too),
 * `import "x"`, `export ... from "x"`, `import("x")` and `require("x")`.
 */
const specifiers = (code: string): Array<string> => {
  const found: Array<string> = []
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^;"'`]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["'`]([^"'`]*)["'`]?/g,
    /\brequire\s*\(\s*["'`]?([^"'`)]*)/g
  ]
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!)
  return found
}

describe("the import guard", () => {
  it("reads multi-line imports, type imports, re-exports, dynamic imports and require", () => {
    const code = [
      "import {",
      "  a,",
      "  b",
      "} from \"effect\"",
      "import type { C } from \"@effect/platform\"",
      "import \"side-effect\"",
      "export * as D from \"./D.ts\"",
      "export { e } from \"node:fs\"",
      "const f = await import(\"undici\")",
      "const g = require(\"pure-rand\")"
    ].join("\n")
    expect(specifiers(code).sort()).toEqual(
      ["./D.ts", "@effect/platform", "effect", "node:fs", "pure-rand", "side-effect", "undici"].sort()
    )
  })

  it("finds the package's source files", () => {
    const files = sourceFiles(sourceDir).map((file) => file.slice(sourceDir.length + 1))
    expect(files).toContain("index.ts")
    expect(files.length).toBeGreaterThanOrEqual(9)
  })

  it("wire imports nothing but its own modules: no dependency, no Effect, no Node built-in", () => {
    const offenders = sourceFiles(sourceDir).flatMap((file) => {
      const code = withoutComments(readFileSync(file, "utf8"))
      return specifiers(code)
        .filter((specifier) => !specifier.startsWith("./"))
        .map((specifier) => `${file.slice(sourceDir.length + 1)} imports ${specifier}`)
    })
    expect(offenders).toEqual([])
  })

  it("wire uses no require and no dynamic import", () => {
    const offenders = sourceFiles(sourceDir).filter((file) =>
      /\brequire\s*\(|\bimport\s*\(/.test(withoutComments(readFileSync(file, "utf8")))
    )
    expect(offenders).toEqual([])
  })

  it("wire's package.json declares no runtime dependency", () => {
    const manifest = JSON.parse(readFileSync(join(import.meta.dirname, "../package.json"), "utf8"))
    expect(manifest.dependencies ?? {}).toEqual({})
    expect(manifest.peerDependencies ?? {}).toEqual({})
  })
})
