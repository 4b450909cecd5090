// The documentation check (what @effect/docgen does for Effect, without its weight):
//
//   1. coverage: every export of every public module (packages/*/src/*.ts and packages/effect4/*/src/*.ts,
//      not src/internal) has JSDoc
//      with `@since`, `@category` and an `@example` (index.ts re-exports need only `@since`)
//   2. examples: every ```ts block in that JSDoc, in each package README.md, in examples' READMEs and in
//      the root README.md is written to a file of its own and type-checked with tsc against the
//      workspace sources, exactly as a user's module would import them (`@lyzr-effect/core`, ...)
//
// Each example is compiled inside a package's build/doc-examples/ folder, so bare imports resolve
// through that package's node_modules and its own name through package.json "exports" (self-reference).
// A ```ts block that is deliberately not a complete program can be fenced as ```ts no-check.
//
// Run: `pnpm docs:check` (`--coverage-only`, `--examples-only`). Exits non-zero on any finding.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))
const args = new Set(process.argv.slice(2))
const findings: Array<string> = []

interface Package {
  readonly dir: string
  readonly name: string
  readonly deps: ReadonlySet<string>
}

// Both Effect lines: packages/* and packages/effect4/* (an example compiles in a package of its own line, whose
// node_modules hold that line's effect).
const packages: Array<Package> = ["packages", "packages/effect4"]
  .flatMap((parent) => readdirSync(join(root, parent)).map((dir) => join(root, parent, dir)))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    return {
      dir,
      name: manifest.name as string,
      deps: new Set(
        [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies]
          .flatMap((deps) => Object.keys(deps ?? {}))
      )
    }
  })

const publicModules = (pkg: Package) =>
  readdirSync(join(pkg.dir, "src"))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => join(pkg.dir, "src", file))

// ---------------------------------------------------------------------------------------------
// 1. coverage
// ---------------------------------------------------------------------------------------------

const jsDocTags = (node: ts.Node): Map<string, string> => {
  const tags = new Map<string, string>()
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue
    for (const tag of doc.tags ?? []) {
      const comment = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? ""
      tags.set(tag.tagName.text, comment)
    }
  }
  return tags
}

const exportedName = (statement: ts.Statement): string | undefined => {
  if (ts.isExportDeclaration(statement)) {
    if (statement.exportClause && ts.isNamespaceExport(statement.exportClause)) {
      return `* as ${statement.exportClause.name.text}`
    }
    if (statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      return `{ ${statement.exportClause.elements.map((element) => element.name.text).join(", ")} }`
    }
    return `* from ${(statement.moduleSpecifier as ts.StringLiteral | undefined)?.text}`
  }
  if (ts.isExportAssignment(statement)) return "default"
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined
  if (!modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) return undefined
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.map((declaration) => declaration.name.getText()).join(", ")
  }
  const named = statement as ts.Statement & { name?: ts.Identifier }
  return named.name?.text ?? "default"
}

// Exports whose @example is owed by a package still being written: reported on every run, never silently.
// An entry that is no longer missing fails the check, so the list can only shrink.
const pendingFile = join(root, "scripts", "docs-pending.json")
const pending: ReadonlySet<string> = new Set(
  existsSync(pendingFile) ? (JSON.parse(readFileSync(pendingFile, "utf8")) as { examples: Array<string> }).examples : []
)

const checkCoverage = () => {
  let exports = 0
  const owed: Array<string> = []
  const usedPending = new Set<string>()
  for (const pkg of packages) {
    for (const file of publicModules(pkg)) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)
      const isIndex = file.endsWith("/index.ts")
      // A type and a value of one name (`type X` + `const X`, a schema and its type) are one export:
      // the tags may sit on either declaration.
      const byName = new Map<string, { line: number; tags: Map<string, string> }>()
      for (const statement of source.statements) {
        const name = exportedName(statement)
        if (name === undefined) continue
        // `declare namespace X` beside a value X holds its types; the value carries the docs.
        if (ts.isModuleDeclaration(statement)) continue
        const tags = jsDocTags(statement)
        const seen = byName.get(name)
        if (seen) { for (const [tag, text] of tags) seen.tags.set(tag, text) }
        else byName.set(name, { line: source.getLineAndCharacterOfPosition(statement.getStart()).line + 1, tags })
      }
      for (const [name, { line, tags }] of byName) {
        exports++
        const id = `${relative(root, file)}#${name}`
        const missing = ["since", ...(isIndex ? [] : ["category", "example"])].filter((tag) => !tags.has(tag))
        if (missing.length === 1 && missing[0] === "example" && pending.has(id)) {
          usedPending.add(id)
          owed.push(id)
          continue
        }
        if (pending.has(id)) findings.push(`${id}: documented now; remove it from scripts/docs-pending.json`)
        if (missing.length > 0) {
          findings.push(
            `${relative(root, file)}:${line} ${name}: JSDoc lacks ${missing.map((tag) => `@${tag}`).join(", ")}`
          )
        }
      }
    }
  }
  for (const id of pending) {
    if (!usedPending.has(id) && !findings.some((finding) => finding.startsWith(id))) {
      findings.push(`${id}: in scripts/docs-pending.json but no such export`)
    }
  }
  console.log(`coverage: ${exports} exports checked${owed.length > 0 ? `, ${owed.length} examples still owed:` : ""}`)
  for (const id of owed) console.log(`  owed: ${id}`)
}

// ---------------------------------------------------------------------------------------------
// 2. examples
// ---------------------------------------------------------------------------------------------

interface Example {
  readonly origin: string // file:line, for messages
  readonly code: string
  readonly home: Package | undefined // the package whose README or JSDoc it is in
}

const fence = /^([ \t]*)```(ts|typescript)([^\n]*)\n([\s\S]*?)^\1```[ \t]*$/gm

const fromMarkdown = (file: string, home: Package | undefined): Array<Example> => {
  const text = readFileSync(file, "utf8")
  const found: Array<Example> = []
  for (const match of text.matchAll(fence)) {
    if (/no-check/.test(match[3] ?? "")) continue
    const line = text.slice(0, match.index).split("\n").length + 1
    found.push({ origin: `${relative(root, file)}:${line}`, code: match[4] ?? "", home })
  }
  return found
}

const fromJsDoc = (file: string, home: Package): Array<Example> => {
  const text = readFileSync(file, "utf8")
  const found: Array<Example> = []
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const body = comment[0]
      .replace(/^\/\*\*/, "")
      .replace(/\*\/$/, "")
      .split("\n")
      .map((line) => line.replace(/^\s*\* ?/, ""))
      .join("\n")
    const commentLine = text.slice(0, comment.index).split("\n").length
    for (const match of body.matchAll(fence)) {
      if (/no-check/.test(match[3] ?? "")) continue
      const line = commentLine + body.slice(0, match.index).split("\n").length
      found.push({ origin: `${relative(root, file)}:${line}`, code: match[4] ?? "", home })
    }
  }
  return found
}

const bareImports = (code: string) =>
  [...code.matchAll(/(?:import|export)[^"']*?from\s*["']([^"'.][^"']*)["']|import\s*\(\s*["']([^"'.][^"']*)["']/g)]
    .map((match) => match[1] ?? match[2] ?? "")
    .filter((specifier) => !specifier.startsWith("node:"))
    .map((specifier) =>
      specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!
    )

// The package an example compiles in: its own, if every import resolves from there; else the first that can.
const canResolve = (pkg: Package, name: string) =>
  name === pkg.name || pkg.deps.has(name) || existsSync(join(root, "node_modules", name))
const hostOf = (example: Example): Package | undefined => {
  const imports = bareImports(example.code)
  const candidates = [...(example.home ? [example.home] : []), ...packages]
  return candidates.find((pkg) => imports.every((name) => canResolve(pkg, name)))
}

const checkExamples = () => {
  const examples: Array<Example> = []
  for (const pkg of packages) {
    for (const file of publicModules(pkg)) examples.push(...fromJsDoc(file, pkg))
    if (existsSync(join(pkg.dir, "README.md"))) examples.push(...fromMarkdown(join(pkg.dir, "README.md"), pkg))
  }
  examples.push(...fromMarkdown(join(root, "README.md"), undefined))
  for (const dir of readdirSync(join(root, "examples"))) {
    const readme = join(root, "examples", dir, "README.md")
    if (existsSync(readme)) examples.push(...fromMarkdown(readme, undefined))
  }

  const byHost = new Map<Package, Array<{ file: string; example: Example }>>()
  for (const example of examples) {
    const host = hostOf(example)
    if (!host) {
      findings.push(`${example.origin}: no workspace package can resolve its imports (${bareImports(example.code)})`)
      continue
    }
    const list = byHost.get(host) ?? []
    list.push({ file: `example_${list.length}.ts`, example })
    byHost.set(host, list)
  }

  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  for (const [host, list] of byHost) {
    const dir = join(host.dir, "build", "doc-examples")
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    for (const { example, file } of list) {
      // `export {}` keeps each example a module of its own even when it imports nothing.
      writeFileSync(join(dir, file), `// ${example.origin}\n${example.code}\nexport {}\n`)
    }
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify(
        {
          extends: "../../tsconfig.json",
          compilerOptions: {
            noEmit: true,
            composite: false,
            emitDeclarationOnly: false,
            declaration: false,
            declarationMap: false,
            incremental: false,
            tsBuildInfoFile: null,
            noUnusedLocals: false,
            noUnusedParameters: false,
            rootDir: "../.."
          },
          include: ["*.ts"]
        },
        null,
        2
      )
    )
    const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], {
      cwd: dir,
      encoding: "utf8"
    })
    const origins = new Map(list.map(({ example, file }) => [file, example.origin]))
    const errors = `${result.stdout}${result.stderr}`.split("\n").filter((line) => line.trim() !== "")
    for (const line of errors) {
      const match = /^(example_\d+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line)
      if (match) {
        // line 1 of the file is the origin comment
        const origin = origins.get(match[1]!)!
        const [path, start] = origin.split(/:(?=\d+$)/)
        findings.push(`${path}:${Number(start) + Number(match[2]) - 2}: ${match[4]}`)
      } else if (!/^\s/.test(line)) findings.push(`${relative(root, dir)}: ${line}`)
    }
    console.log(
      `examples: ${list.length} compiled in ${relative(root, host.dir)}${result.status === 0 ? "" : " (errors)"}`
    )
  }
  console.log(`examples: ${examples.length} type-checked`)
}

if (!args.has("--examples-only")) checkCoverage()
if (!args.has("--coverage-only")) checkExamples()

if (findings.length > 0) {
  console.log(
    `\ndocs:check found ${findings.length} problem(s):\n${findings.map((finding) => `- ${finding}`).join("\n")}`
  )
  process.exit(1)
}
console.log("docs:check: every export documented, every example compiles")
