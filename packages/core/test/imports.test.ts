/**
 * The import guard of the whole repository: every module under packages/<name>/src and
 * packages/effect4/<name>/src, read with TypeScript's parser (so a multi-line `import { a, b } from`,
 * `export ... from`, `import type`, a dynamic `import()`, `require()` and `import("x").T` are all seen,
 * and comments and strings are not), checked against the dependency direction of DESIGN.md.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"

const packagesDir = join(import.meta.dirname, "../..")
const repoDir = join(packagesDir, "..")

/** An import as written: the specifier, and whether it loads nothing at run time (`import type`, `export type`). */
interface Import {
  readonly specifier: string
  readonly typeOnly: boolean
}

/** Every module a file loads, in source order. A computed `import(x)` is reported as `<computed>`. */
const importsOf = (code: string, fileName = "module.ts"): Array<Import> => {
  const found: Array<Import> = []
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true })
    } else if (
      ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly })
    } else if (
      ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly })
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
      const [argument] = node.arguments
      const specifier = argument !== undefined && ts.isStringLiteralLike(argument) ? argument.text : "<computed>"
      found.push({ specifier, typeOnly: false })
    } else if (
      ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const specifiers = (code: string): Array<string> => importsOf(code).map((i) => i.specifier)

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.[cm]?[jt]sx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")
      ? [join(dir, entry.name)]
      : []
  )

interface Package {
  /** `core`, `node`, ..., or `effect4/core`. */
  readonly dir: string
  readonly name: string
  readonly line: "v3" | "v4" | "neither"
  readonly role: "wire" | "core" | "adapter" | "cli" | "emulator"
  readonly modules: ReadonlyArray<
    { readonly file: string; readonly imports: ReadonlyArray<string>; readonly loaded: ReadonlyArray<string> }
  >
}

const roleOf = (dir: string): Package["role"] => {
  const base = dir.split("/").at(-1)!
  if (base === "wire" || base === "core" || base === "cli" || base === "emulator") return base
  return "adapter"
}

const packages: ReadonlyArray<Package> = [
  ...readdirSync(packagesDir).filter((name) => name !== "effect4").map((name) => name),
  ...(existsSync(join(packagesDir, "effect4"))
    ? readdirSync(join(packagesDir, "effect4")).map((n) => `effect4/${n}`)
    : [])
]
  .filter((dir) => existsSync(join(packagesDir, dir, "src")) && existsSync(join(packagesDir, dir, "package.json")))
  .map((dir): Package => {
    const manifest = JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8")) as { name: string }
    const role = roleOf(dir)
    return {
      dir,
      name: manifest.name,
      line: role === "wire" ? "neither" : dir.startsWith("effect4/") ? "v4" : role === "emulator" ? "neither" : "v3",
      role,
      modules: sourceFiles(join(packagesDir, dir, "src")).map((file) => {
        const imports = importsOf(readFileSync(file, "utf8"), file)
        return {
          file: relative(repoDir, file),
          imports: imports.map((i) => i.specifier),
          loaded: imports.filter((i) => !i.typeOnly).map((i) => i.specifier)
        }
      })
    }
  })

const byName = new Map(packages.map((p) => [p.name, p]))

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier: string): string => {
  const parts = specifier.split("/")
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!
}
const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../")

/** `file imports specifier` for every import of `pkg` that `bad` picks. */
const offenders = (pkg: Package, bad: (specifier: string) => boolean): Array<string> =>
  pkg.modules.flatMap(({ file, imports }) =>
    imports.filter((specifier) => specifier !== "<computed>" && !isRelative(specifier) && bad(specifier)).map((
      specifier
    ) => `${file} imports ${specifier}`)
  )

/** The workspace packages a package imports (itself excluded). */
const workspaceImports = (pkg: Package): Set<Package> =>
  new Set(
    pkg.modules.flatMap(({ imports }) =>
      imports.flatMap((specifier) => {
        const target = byName.get(packageOf(specifier))
        return target !== undefined && target !== pkg ? [target] : []
      })
    )
  )

const named = (role: Package["role"], line?: Package["line"]) =>
  packages.filter((p) => p.role === role && (line === undefined || p.line === line))

/** Modules only Effect 4 has (Effect 3 has neither `effect/http` nor `effect/unstable/*`). */
const effect4Only = (specifier: string) => /^effect\/(?:http|unstable)(?:\/|$)/.test(specifier)

describe("the import guard", () => {
  it("reads multi-line imports, type imports, re-exports, dynamic imports and require, not comments or strings", () => {
    const code = [
      "import {",
      "  a,",
      "  b",
      "} from \"effect\"",
      "import type { C } from \"@effect/platform\"",
      "import \"side-effect\"",
      "export * as D from \"./D.ts\"",
      "export {",
      "  e",
      "} from \"node:fs\"",
      "const f = await import(",
      "  \"undici\"",
      ")",
      "const g = require(\"pure-rand\")",
      "type H = import(\"@lyzr-effect/node\").NodeLyzr",
      "/** import { X } from \"in-a-comment\" */",
      "// import \"in-a-line-comment\"",
      "const s = \"import x from 'in-a-string'\"",
      "const t = await import(name)"
    ].join("\n")
    expect(specifiers(code)).toEqual([
      "effect",
      "@effect/platform",
      "side-effect",
      "./D.ts",
      "node:fs",
      "undici",
      "pure-rand",
      "@lyzr-effect/node",
      "<computed>"
    ])
    expect(importsOf(code).filter((i) => i.typeOnly).map((i) => i.specifier)).toEqual([
      "@effect/platform",
      "@lyzr-effect/node"
    ])
  })

  it("covers every package of both lines, and finds their modules and imports", () => {
    const dirs = packages.map((p) => p.dir)
    for (const dir of ["wire", "core", "node", "deno", "cloudflare", "cli", "emulator", "effect4/core"]) {
      expect(dirs).toContain(dir)
    }
    for (const pkg of packages) expect(pkg.modules.length, pkg.dir).toBeGreaterThan(0)
    // The v3 core's modules between them import the wire, effect and the platform.
    const core = byName.get("@lyzr-effect/core")!
    expect(new Set(core.modules.flatMap((m) => m.imports.filter((s) => !isRelative(s)).map(packageOf)))).toEqual(
      new Set(["@lyzr-effect/wire", "effect", "@effect/platform"])
    )
  })

  it("no module imports a computed specifier (the guard could not check it)", () => {
    const found = packages.flatMap((pkg) =>
      pkg.modules.flatMap(({ file, imports }) => imports.filter((s) => s === "<computed>").map(() => file))
    )
    expect(found).toEqual([])
  })

  it("wire imports nothing: no dependency, no Effect, no Node built-in", () => {
    for (const wire of named("wire")) expect(offenders(wire, () => true)).toEqual([])
  })

  it("each core imports the wire, and of the workspace only the wire", () => {
    for (const core of named("core")) {
      const imported = [...workspaceImports(core)].map((p) => p.name)
      expect(imported.filter((name) => name !== "@lyzr-effect/wire"), core.dir).toEqual([])
      // The Effect 4 core is a skeleton until issue 13; once it imports anything, the wire is among it.
      if (core.line === "v3" || core.modules.some((m) => m.imports.length > 0)) {
        expect(imported, core.dir).toContain("@lyzr-effect/wire")
      }
    }
  })

  it("no core, wire or adapter imports a Node built-in where it must run on Deno and Workers", () => {
    const portable = packages.filter((p) =>
      p.role === "wire" || p.role === "core" || /(?:^|\/)(deno|cloudflare)$/.test(p.dir)
    )
    for (const pkg of portable) {
      expect(offenders(pkg, (s) => s.startsWith("node:") || ["fs", "net", "http", "https", "path", "os"].includes(s)))
        .toEqual([])
    }
  })

  it("adapters and the CLI import their line's core", () => {
    for (const pkg of packages.filter((p) => p.role === "adapter" || p.role === "cli")) {
      const core = named("core", pkg.line)[0]
      expect(core, pkg.dir).toBeDefined()
      expect([...workspaceImports(pkg)].map((p) => p.name), pkg.dir).toContain(core!.name)
    }
  })

  it("no core imports an adapter, the CLI or the emulator", () => {
    for (const core of named("core")) {
      const roles = [...workspaceImports(core)].filter((p) => p.role !== "wire").map((p) => p.name)
      expect(roles, core.dir).toEqual([])
    }
  })

  it("adapters do not import each other, nor the CLI", () => {
    for (const adapter of named("adapter")) {
      const others = [...workspaceImports(adapter)].filter((p) => p.role === "adapter" || p.role === "cli")
      expect(others.map((p) => p.name), adapter.dir).toEqual([])
    }
  })

  it("the emulator imports neither the wire, nor a core, nor an adapter or the CLI", () => {
    for (const emulator of named("emulator")) expect([...workspaceImports(emulator)].map((p) => p.name)).toEqual([])
  })

  it("the two lines never import each other", () => {
    for (const pkg of packages.filter((p) => p.line !== "neither")) {
      const across = [...workspaceImports(pkg)].filter((p) => p.line !== "neither" && p.line !== pkg.line)
      expect(across.map((p) => p.name), pkg.dir).toEqual([])
    }
  })

  it("the Effect 3 line imports no Effect 4 module (effect/http, effect/unstable/*)", () => {
    for (const pkg of packages.filter((p) => p.line !== "v4")) expect(offenders(pkg, effect4Only)).toEqual([])
  })

  it("the Effect 4 line imports no Effect 3 package (@effect/platform, @effect/cli, ...)", () => {
    for (const pkg of packages.filter((p) => p.line === "v4")) {
      expect(offenders(pkg, (s) => /^@effect\/(?:platform|cli|rpc|sql|experimental)(?:-[a-z]+)?(?:\/|$)/.test(s)))
        .toEqual([])
    }
  })

  // The barrel loads @effect/platform/MsgPack, whose msgpackr reads process.env while loading: under Deno
  // that throws NotCapable without --allow-env, before any of the user's code can handle it.
  it("code that runs under Deno loads @effect/platform through its modules, never through the barrel", () => {
    const underDeno = packages.filter((p) => p.line === "v3" && /(?:^|\/)(core|deno|cloudflare)$/.test(p.dir))
    expect(underDeno.length).toBeGreaterThanOrEqual(3)
    for (const pkg of underDeno) {
      const loaded = pkg.modules.flatMap(({ file, loaded }) =>
        loaded.filter((s) => s === "@effect/platform").map(() => `${file} loads @effect/platform`)
      )
      expect(loaded, pkg.dir).toEqual([])
    }
  })
})
