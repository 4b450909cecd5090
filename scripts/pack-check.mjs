// Checks every publishable package the way a user meets it: as the tarball `pnpm pack` makes.
//
//   1. pack each package (pnpm applies publishConfig: exports point at dist, workspace:^ becomes a range)
//   2. the packed package.json: every export target exists in the tarball, `types` comes first,
//      no workspace: ranges, effect and @effect/platform are caret peer dependencies (wire: no dependency at all)
//   3. publint --strict on the tarball
//   4. attw --profile esm-only on the tarball (the packages are ESM-only on purpose: see README "Publishing")
//   5. npm installs all tarballs together into an empty folder (so @lyzr-effect/* resolve to the local
//      tarballs, never the registry), then node imports every entry point and tsc type-checks a
//      consumer that imports every entry point with strict settings and skipLibCheck off for our files
//      (optional peers a package declares, e.g. the CLI's @effect/cli, are installed beside them)
//   and: every package has the same version and is in one changesets "fixed" group
//   6. each package with a command, installed alone: the command starts; its install size is printed
//
// Needs `pnpm build` first (dist/ in each package). Run: `pnpm pack:check`. Exits non-zero on any finding.
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const keep = process.argv.includes("--keep")
const work = mkdtempSync(join(tmpdir(), "lyzr-pack-check-"))
const tarballs = join(work, "tarballs")
const consumer = join(work, "consumer")
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

const packages = readdirSync(join(root, "packages"))
  .map((dir) => join(root, "packages", dir))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
  .filter(({ manifest }) => manifest.private !== true)

const entryPoints = (manifest) =>
  Object.entries(manifest.exports ?? {})
    .filter(([key, target]) => target !== null && key !== "./package.json" && !key.includes("*"))
    .map(([key]) => (key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`))

// 1-4: pack, inspect, publint, attw
const packed = []
for (const { dir, manifest } of packages) {
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
  const effectFree = manifest.name === "@lyzr-effect/wire"
  if (effectFree) {
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      const deps = Object.keys(published[field] ?? {})
      if (deps.length > 0) problems.push(`${field} is not empty (${deps.join(", ")}): wire depends on nothing`)
    }
  }
  for (const peer of effectFree ? [] : ["effect", "@effect/platform"]) {
    const range = published.peerDependencies?.[peer]
    if (!range?.startsWith("^")) problems.push(`${peer} is not a caret peer dependency (${range ?? "missing"})`)
    if (published.dependencies?.[peer]) problems.push(`${peer} is also a dependency: an app could get two copies`)
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

// 5: install every tarball together into an empty folder, import and type-check each entry point
console.log(`\ninstall the tarballs into an empty folder (${consumer})`)
if (packed.length > 0) {
  run("mkdir", ["-p", consumer])
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "lyzr-pack-check-consumer", private: true, type: "module" }, null, 2)
  )
  // Peers the packages declare beyond effect and @effect/platform (the CLI's library entry declares
  // @effect/cli as an optional peer: its bin needs nothing, importing it does), at their declared ranges.
  const packedNames = new Set(packed.map(({ name }) => name))
  const otherPeers = [
    ...new Map(
      packed.flatMap(({ peers }) => Object.entries(peers))
        .filter(([name]) => !packedNames.has(name) && name !== "effect" && name !== "@effect/platform")
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
      ...packed.map(({ file }) => file),
      // the peers, and what the type-check needs
      "effect@^3.22.0",
      "@effect/platform@^0.97.0",
      ...otherPeers,
      `typescript@${JSON.parse(readFileSync(join(root, "node_modules/typescript/package.json"), "utf8")).version}`,
      "@types/node@^20.19.0"
    ],
    { cwd: consumer }
  )
  if (!install.ok) fail("install", "npm install of the tarballs", install.out)
  else {
    pass(
      `npm install ${packed.length} tarballs + effect, @effect/platform${
        otherPeers.map((peer) => `, ${peer}`).join("")
      }`
    )
    for (const { name } of packed) {
      const pkgJson = join(consumer, "node_modules", name, "package.json")
      const resolvedFromTarball = existsSync(pkgJson)
        && !existsSync(join(consumer, "node_modules", name, "node_modules", "effect"))
      if (!resolvedFromTarball) fail(name, "installed once, sharing the consumer's effect")
    }
    const effectCopies = run("npm", ["ls", "effect", "--all", "--parseable"], { cwd: consumer }).out
      .split("\n").filter((line) => line.endsWith("/effect") || line.endsWith("\\effect"))
    if (new Set(effectCopies).size !== 1) {
      fail("install", "exactly one copy of effect", effectCopies.join("\n"))
    } else pass("one copy of effect in the tree")

    const all = packed.flatMap(({ entryPoints }) => entryPoints)
    for (const specifier of all) {
      const probe = run(process.execPath, [
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(specifier)}); const keys = Object.keys(m);
         if (keys.length === 0) throw new Error("no exports"); console.log(keys.join(", "))`
      ], { cwd: consumer })
      if (probe.ok) pass(`node imports ${specifier} { ${probe.out} }`)
      else fail(specifier, "node import", probe.out)
    }
    for (const { name, bin: bins } of packed) {
      for (const binName of Object.keys(bins)) {
        const help = run(join(consumer, "node_modules", ".bin", binName), ["--help"], { cwd: consumer })
        if (help.ok) pass(`${binName} --help (from ${name})`)
        else fail(name, `${binName} --help`, help.out)
      }
    }

    // Types as a user's project sees them: NodeNext, strict, and skipLibCheck off.
    writeFileSync(
      join(consumer, "consumer.ts"),
      all.map((specifier, i) => `import * as entry${i} from ${JSON.stringify(specifier)}\nexport { entry${i} }\n`).join(
        ""
      )
    )
    writeFileSync(
      join(consumer, "tsconfig.json"),
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
    const tsc = run(process.execPath, [join(consumer, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: consumer
    })
    // Our own declaration files must be clean; errors inside third-party .d.ts files are not ours to fix.
    const ours = tsc.out.split("\n").filter((line) => /^(consumer\.ts|node_modules\/@lyzr-effect\/)/.test(line))
    if (tsc.ok) pass(`tsc (NodeNext, strict, skipLibCheck: false) on a consumer importing ${all.length} entry points`)
    else if (ours.length === 0) {
      pass(`tsc on a consumer importing ${all.length} entry points (no errors in @lyzr-effect declarations)`)
    } else fail("consumer", "tsc type-check of the installed declarations", ours.join("\n"))
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
