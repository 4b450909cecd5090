// Checks every publishable package the way a user meets it: as the tarball `pnpm pack` makes. Both Effect
// lines: packages/* (wire, the emulator and the Effect 3 line) and packages/effect4/* (the Effect 4 line).
//
//   1. pack each package (pnpm applies publishConfig: exports point at dist, workspace:^ becomes a range)
//   2. the packed package.json: every export target exists in the tarball, `types` comes first,
//      no workspace: ranges, and the peers of its line: Effect 3 packages have effect ^3 and @effect/platform
//      as caret peer dependencies, Effect 4 packages effect ^4 and no @effect/platform (and engines node >= 22),
//      wire depends on nothing; no package depends on a package of the other line
//   3. publint --strict on the tarball
//   4. attw --profile esm-only on the tarball (the packages are ESM-only on purpose: see README "Publishing")
//   5. per line, npm installs that line's tarballs (and the @lyzr-effect packages they depend on) together
//      into an empty folder of its own (so @lyzr-effect/* resolve to the local tarballs, never the
//      registry): the Effect 3 consumer with effect@^3.22 on this Node, the Effect 4 consumer with
//      effect@^4.1 on Node 24 (scripts/node24.mjs); then node imports every entry point of the line (and, on
//      Effect 4, runs AgentSessions over the in-process emulator from the installed tarballs) and
//      tsc type-checks a consumer that imports every one of them with strict settings and skipLibCheck off
//      for our files (optional peers a package declares, e.g. the CLI's @effect/cli, are installed beside them)
//   and: every package has the same version and is in one changesets "fixed" group
//   6. each package with a command, installed alone: the command starts; its install size is printed
//
// Needs `pnpm build` first (dist/ in each package). Run: `pnpm pack:check`. Exits non-zero on any finding.
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { delimiter, dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const keep = process.argv.includes("--keep")
const work = mkdtempSync(join(tmpdir(), "lyzr-pack-check-"))
const tarballs = join(work, "tarballs")
const failures = []

const run = (cmd, args, options = {}) => {
  const result = spawnSync(cmd, args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_loglevel: "error", FORCE_COLOR: "0", NO_COLOR: "1" },
    ...options
  })
  return { ok: result.status === 0, out: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim(), status: result.status }
}
const bin = (name) => join(root, "node_modules", ".bin", name)
const pnpm = (args, options) =>
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? run(process.execPath, [process.env.npm_execpath, ...args], options)
    : run("npx", ["--yes", "pnpm@10.34.8", ...args], options)
const fail = (pkg, what, detail) => {
  failures.push(`${pkg}: ${what}`)
  console.log(`  FAIL ${what}${detail ? `\n${detail.replace(/^/gm, "    ")}` : ""}`)
}
const pass = (what) => console.log(`  ok   ${what}`)

// The Effect line a package belongs to: "effect4" (packages/effect4/*), "none" (wire: no Effect at all),
// "effect3" (the rest, the emulator included: its optional Effect peers are Effect 3's @effect/platform).
const lineOf = (manifest) =>
  manifest.name === "@lyzr-effect/wire"
    ? "none"
    : manifest.name.startsWith("@lyzr-effect/effect4-")
    ? "effect4"
    : "effect3"
const packages = ["packages", "packages/effect4"]
  .flatMap((parent) => readdirSync(join(root, parent)).map((dir) => join(root, parent, dir)))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)
  .map((pkg) => ({ ...pkg, line: lineOf(pkg.manifest) }))
const lineByName = new Map(packages.map(({ manifest, line }) => [manifest.name, line]))
// Packages both lines depend on: the protocol, and the emulator (Effect-free but for its Effect 3 layer).
const servesBothLines = new Set(["@lyzr-effect/wire", "@lyzr-effect/emulator"])

const entryPoints = (manifest) =>
  Object.entries(manifest.exports ?? {})
    .filter(([key, target]) => target !== null && key !== "./package.json" && !key.includes("*"))
    .map(([key]) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`))

// 1-4: pack, inspect, publint, attw
const packed = []
for (const { dir, manifest, line } of packages) {
  console.log(`\n${manifest.name}`)
  if (!existsSync(join(dir, "dist"))) {
    fail(manifest.name, "no dist/: run `pnpm build` first")
    continue
  }
  const before = new Set(existsSync(tarballs) ? readdirSync(tarballs) : [])
  const pack = pnpm(["pack", "--pack-destination", tarballs], { cwd: dir })
  const tarball = pack.ok && readdirSync(tarballs).find((file) => !before.has(file) && file.endsWith(".tgz"))
  if (!tarball) {
    fail(manifest.name, "pnpm pack", pack.out)
    continue
  }
  const file = join(tarballs, tarball)
  pass(`packed ${tarball}`)

  const listing = run("tar", ["tzf", file]).out.split("\n").map((line) => line.replace(/^package\//, ""))
  const published = JSON.parse(run("tar", ["xzOf", file, "package/package.json"]).out)
  const problems = []
  const targets = []
  const walk = (key, target) => {
    if (target === null) return
    if (typeof target === "string") return targets.push([key, target])
    const conditions = Object.keys(target)
    if ("types" in target && conditions[0] !== "types") problems.push(`${key}: "types" is not the first condition`)
    for (const [condition, value] of Object.entries(target)) walk(`${key} [${condition}]`, value)
  }
  for (const [key, target] of Object.entries(published.exports ?? {})) walk(key, target)
  for (const [key, target] of targets) {
    if (target.includes("*")) continue
    if (target.startsWith("./src/")) problems.push(`${key} points at sources (${target}), not dist`)
    if (!listing.includes(target.slice(2))) problems.push(`${key} -> ${target} is not in the tarball`)
  }
  for (const [name, target] of Object.entries(published.bin ?? {})) {
    if (!listing.includes(target.replace(/^\.\//, ""))) problems.push(`bin ${name} -> ${target} is not in the tarball`)
  }
  if (published.exports?.["./internal/*"] !== null) problems.push(`"./internal/*" is not closed (null)`)
  if (published.sideEffects !== false) problems.push(`"sideEffects" is not false`)
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(published[field] ?? {})) {
      if (String(range).startsWith("workspace:")) problems.push(`${field}.${dep} is still ${range}`)
    }
  }
  // wire is the protocol without a runtime: no Effect of either line, as a peer or otherwise.
  if (line === "none") {
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      const deps = Object.keys(published[field] ?? {})
      if (deps.length > 0) problems.push(`${field} is not empty (${deps.join(", ")}): wire depends on nothing`)
    }
  }
  // Effect 3: effect ^3 and @effect/platform; Effect 4: effect ^4, and no @effect/platform (it is in effect 4).
  const peers = line === "effect3" ? ["effect", "@effect/platform"] : line === "effect4" ? ["effect"] : []
  for (const peer of peers) {
    const range = published.peerDependencies?.[peer]
    if (!range?.startsWith("^")) problems.push(`${peer} is not a caret peer dependency (${range ?? "missing"})`)
    if (published.dependencies?.[peer]) problems.push(`${peer} is also a dependency: an app could get two copies`)
  }
  if (line === "effect3" && !/(^|\|\|\s*)\^3\./.test(published.peerDependencies?.effect ?? "")) {
    problems.push(`the effect peer range (${published.peerDependencies?.effect}) does not admit Effect 3`)
  }
  if (line === "effect4") {
    if (!/^\^4\./.test(published.peerDependencies?.effect ?? "")) {
      problems.push(`the effect peer range (${published.peerDependencies?.effect}) is not ^4.x`)
    }
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      if (published[field]?.["@effect/platform"]) problems.push(`${field} has @effect/platform (Effect 3's)`)
    }
    if (!/^>=\s*2[2-9]/.test(published.engines?.node ?? "")) {
      problems.push(`engines.node is ${published.engines?.node ?? "missing"}, not >= 22 (vitest 5, Effect 4 line)`)
    }
  }
  // The two lines never import each other (wire and the emulator serve both).
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const dep of Object.keys(published[field] ?? {})) {
      const depLine = lineByName.get(dep)
      if (depLine !== undefined && !servesBothLines.has(dep) && line !== depLine) {
        problems.push(`${field}.${dep} is a package of the other Effect line`)
      }
    }
  }
  if (published.publishConfig?.access !== "public") problems.push(`publishConfig.access is not "public"`)
  if (problems.length > 0) fail(manifest.name, "packed package.json", problems.join("\n"))
  else pass("packed package.json: exports -> dist, types first, internal closed, peers, no workspace: ranges")

  const publint = run(bin("publint"), ["run", file, "--strict"])
  if (
    publint.ok && !/warning|error|suggestion/i.test(publint.out.replace(/Running publint.*|Unpacking.*|Linting.*/g, ""))
  ) {
    pass("publint --strict")
  } else if (publint.ok) {
    fail(manifest.name, "publint --strict (suggestions)", publint.out)
  } else fail(manifest.name, "publint --strict", publint.out)

  const attw = run(bin("attw"), [file, "--profile", "esm-only", "--format", "ascii", "--no-color", "--no-emoji"])
  if (attw.ok) pass("attw --profile esm-only")
  else fail(manifest.name, "attw --profile esm-only", attw.out)

  packed.push({
    name: manifest.name,
    line,
    dependencies: Object.keys(published.dependencies ?? {}),
    file,
    entryPoints: entryPoints(published),
    bin: published.bin ?? {},
    peers: published.peerDependencies ?? {}
  })
}

// One version for every published package, all in the changesets `fixed` group that keeps them together.
console.log("\none version, released together")
{
  const versions = new Set(packages.map(({ manifest }) => manifest.version))
  if (versions.size === 1) pass(`every package at ${[...versions][0]}`)
  else {fail(
      "versions",
      "one version",
      packages.map(({ manifest }) => `${manifest.name} ${manifest.version}`).join("\n")
    )}
  const fixed = JSON.parse(readFileSync(join(root, ".changeset", "config.json"), "utf8")).fixed ?? []
  const group = fixed.find((names) => names.includes(packages[0]?.manifest.name)) ?? []
  const outside = packages.map(({ manifest }) => manifest.name).filter((name) => !group.includes(name))
  if (outside.length === 0) pass(`all ${packages.length} in one changesets "fixed" group`)
  else fail("changesets", `not in the "fixed" group of ${packages[0]?.manifest.name}`, outside.join("\n"))
}

// 5: per Effect line, install its tarballs together into an empty folder, import and type-check each entry point
const typescriptVersion = JSON.parse(readFileSync(join(root, "node_modules/typescript/package.json"), "utf8")).version
// Node 24 (from the npm registry, see scripts/node24.mjs) for the Effect 4 consumer: the Effect 4 line needs Node >= 22.
const node24 = () => {
  const found = run(process.execPath, [join(root, "scripts", "node24.mjs"), "--print"])
  return found.ok ? found.out.split("\n").at(-1) : undefined
}
const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === "PATH") ?? "PATH"

const checkConsumer = ({ label, dir, lines, installs, typesNode, nodeBinary, smoke }) => {
  console.log(`\ninstall the ${label} tarballs into an empty folder (${dir})`)
  const members = packed.filter((pkg) => lines.includes(pkg.line))
  if (members.length === 0) return
  // With them, the tarballs of the @lyzr-effect packages they depend on (wire, the emulator), never the registry's.
  const byName = new Map(packed.map((pkg) => [pkg.name, pkg]))
  const tree = new Map(members.map((pkg) => [pkg.name, pkg]))
  for (const pkg of tree.values()) {
    for (const dep of pkg.dependencies) if (byName.has(dep) && !tree.has(dep)) tree.set(dep, byName.get(dep))
  }
  const installed = [...tree.values()]
  // npm, node and tsc on the line's Node: its directory first on PATH, so npm's `#!/usr/bin/env node` uses it too.
  const env = {
    ...process.env,
    npm_config_loglevel: "error",
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    [pathKey]: [dirname(nodeBinary), process.env[pathKey]].filter(Boolean).join(delimiter)
  }
  const at = { cwd: dir, env }
  run("mkdir", ["-p", dir])
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `lyzr-pack-check-consumer`, private: true, type: "module" }, null, 2)
  )
  // Peers the packages declare beyond the line's own (the CLI's library entry declares @effect/cli as an
  // optional peer: its bin needs nothing, importing it does), at their declared ranges.
  const installedNames = new Set(installed.map(({ name }) => name))
  const linePeers = new Set(installs.map((spec) => spec.replace(/(?<=.)@.*$/, "")))
  const otherPeers = [
    ...new Map(
      members.flatMap(({ peers }) => Object.entries(peers))
        .filter(([name]) => !installedNames.has(name) && !linePeers.has(name))
    )
  ].map(([name, range]) => `${name}@${range}`)
  const install = run(
    "npm",
    [
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      ...installed.map(({ file }) => file),
      // the peers, and what the type-check needs
      ...installs,
      ...otherPeers,
      `typescript@${typescriptVersion}`,
      typesNode
    ],
    at
  )
  if (!install.ok) return fail(`install (${label})`, "npm install of the tarballs", install.out)
  pass(
    `npm install ${installed.length} tarballs (${installed.map(({ name }) => name).join(", ")}) + ${
      [...installs, ...otherPeers].join(", ")
    }`
  )
  for (const { name } of installed) {
    const pkgJson = join(dir, "node_modules", name, "package.json")
    const resolvedFromTarball = existsSync(pkgJson)
      && !existsSync(join(dir, "node_modules", name, "node_modules", "effect"))
    if (!resolvedFromTarball) fail(name, `installed once, sharing the ${label} consumer's effect`)
  }
  const effectCopies = run("npm", ["ls", "effect", "--all", "--parseable"], at).out
    .split("\n").filter((path) => path.endsWith("/effect") || path.endsWith("\\effect"))
  const effectVersion = existsSync(join(dir, "node_modules/effect/package.json"))
    ? JSON.parse(readFileSync(join(dir, "node_modules/effect/package.json"), "utf8")).version
    : "none"
  if (new Set(effectCopies).size !== 1) {
    fail(`install (${label})`, "exactly one copy of effect", effectCopies.join("\n"))
  } else pass(`one copy of effect in the tree (${effectVersion})`)

  const nodeVersion = run(nodeBinary, ["--version"], at).out
  const all = members.flatMap(({ entryPoints }) => entryPoints)
  for (const specifier of all) {
    const probe = run(nodeBinary, [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(specifier)}); const keys = Object.keys(m);
       if (keys.length === 0) throw new Error("no exports"); console.log(keys.join(", "))`
    ], at)
    if (probe.ok) pass(`node ${nodeVersion} imports ${specifier} { ${probe.out} }`)
    else fail(specifier, `node ${nodeVersion} imports ${specifier}`, probe.out)
  }
  // A program that uses the installed packages together, beyond importing them.
  if (smoke !== undefined) {
    writeFileSync(join(dir, "smoke.mjs"), smoke.program)
    const ran = run(nodeBinary, ["smoke.mjs"], at)
    if (ran.ok && ran.out === smoke.expect) pass(`node ${nodeVersion} runs ${smoke.what}: ${ran.out}`)
    else fail(`consumer (${label})`, `node runs ${smoke.what}`, ran.out)
  }
  for (const { name, bin: bins } of members) {
    for (const binName of Object.keys(bins)) {
      const help = run(join(dir, "node_modules", ".bin", binName), ["--help"], at)
      if (help.ok) pass(`${binName} --help (from ${name})`)
      else fail(name, `${binName} --help`, help.out)
    }
  }

  // Types as a user's project sees them: NodeNext, strict, and skipLibCheck off.
  writeFileSync(
    join(dir, "consumer.ts"),
    all.map((specifier, i) => `import * as entry${i} from ${JSON.stringify(specifier)}\nexport { entry${i} }\n`).join(
      ""
    )
  )
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          types: ["node"],
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false
        },
        files: ["consumer.ts"]
      },
      null,
      2
    )
  )
  const tsc = run(nodeBinary, [join(dir, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], at)
  // Our own declaration files must be clean; errors inside third-party .d.ts files are not ours to fix.
  const ours = tsc.out.split("\n").filter((text) => /^(consumer\.ts|node_modules\/@lyzr-effect\/)/.test(text))
  const what = `on an ${label} consumer importing ${all.length} entry points`
  if (tsc.ok) pass(`tsc (NodeNext, strict, skipLibCheck: false) ${what}`)
  else if (ours.length === 0) pass(`tsc ${what} (no errors in @lyzr-effect declarations)`)
  else fail(`consumer (${label})`, "tsc type-check of the installed declarations", ours.join("\n"))
}

checkConsumer({
  label: "Effect 3",
  dir: join(work, "consumer-effect3"),
  lines: ["effect3", "none"],
  installs: ["effect@^3.22.0", "@effect/platform@^0.97.0"],
  typesNode: "@types/node@^20.19.0",
  nodeBinary: process.execPath
})
if (packed.some((pkg) => pkg.line === "effect4")) {
  const nodeBinary = node24()
  if (nodeBinary === undefined) fail("Effect 4 consumer", "Node 24 (scripts/node24.mjs --print)")
  else {
    checkConsumer({
      label: "Effect 4",
      dir: join(work, "consumer-effect4"),
      lines: ["effect4"],
      installs: ["effect@^4.1.0"],
      typesNode: "@types/node@^22.19.0",
      nodeBinary,
      smoke: {
        what: "AgentSessions (effect4-core) over the in-process emulator (effect4-emulator)",
        program: [
          `import { AgentSessions } from "@lyzr-effect/effect4-core"`,
          `import { Emulator, EmulatorHttpClient } from "@lyzr-effect/effect4-emulator"`,
          `import { Effect, Layer } from "effect"`,
          `const live = AgentSessions.layer({ apiKey: Emulator.keys.full, baseUrl: "http://127.0.0.1" }).pipe(`,
          `  Layer.provide(EmulatorHttpClient.layerHttpClient(Emulator.make())))`,
          `const ids = await Effect.runPromise(`,
          `  Effect.flatMap(AgentSessions, (s) => s.list("agt_customer_support")).pipe(Effect.provide(live)))`,
          `console.log(ids.join(","))`
        ].join("\n"),
        expect: "ase_customer_support_001,ase_customer_support_002,ase_customer_support_003"
      }
    })
  }
}

// 6: a package with a command, installed alone (`npm install -g` gives the same tree): the command starts,
// and what it costs to install is printed (the CLI's bin.js is a self-contained bundle: one package).
for (const { name, file, bin: bins } of packed.filter(({ bin }) => Object.keys(bin).length > 0)) {
  const alone = join(work, `alone-${name.replace(/\W/g, "-")}`)
  run("mkdir", ["-p", alone])
  writeFileSync(join(alone, "package.json"), JSON.stringify({ name: "lyzr-pack-check-alone", private: true }))
  console.log(`\n${name} installed alone (${alone})`)
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", file], {
    cwd: alone
  })
  if (!install.ok) {
    fail(name, "npm install of the tarball alone", install.out)
    continue
  }
  const count = run("npm", ["ls", "--all", "--parseable"], { cwd: alone }).out.split("\n").length - 1
  const size = run("du", ["-sh", "node_modules"], { cwd: alone }).out.split(/\s/)[0]
  pass(`npm install: ${count} package(s), node_modules ${size}`)
  for (const binName of Object.keys(bins)) {
    const help = run(join(alone, "node_modules", ".bin", binName), ["--help"], { cwd: alone })
    if (help.ok) pass(`${binName} --help`)
    else fail(name, `${binName} --help, installed alone`, help.out)
  }
}

if (!keep) rmSync(work, { recursive: true, force: true })
else console.log(`\nkept ${work}`)
if (failures.length > 0) {
  console.log(`\npack:check failed:\n${failures.map((failure) => `- ${failure}`).join("\n")}`)
  process.exit(1)
}
console.log(`\npack:check: ${packed.length} packages packed, linted, installed and imported`)
