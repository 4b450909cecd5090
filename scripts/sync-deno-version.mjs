// After `changeset version` bumps package.json versions, carry them into each package's deno.json
// (the JSR manifest): its "version", and the npm: ranges it uses for sibling @lyzr-effect packages.
// Changesets only knows package.json; without this, JSR would publish the old version.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// Both Effect lines: packages/* and packages/effect4/*.
const packagesDir = fileURLToPath(new URL("../packages", import.meta.url))
const packageDirs = [packagesDir, join(packagesDir, "effect4")]
  .flatMap((parent) => readdirSync(parent).map((dir) => join(parent, dir)))
const versions = new Map()
for (const dir of packageDirs) {
  const file = join(dir, "package.json")
  if (existsSync(file)) {
    const { name, version } = JSON.parse(readFileSync(file, "utf8"))
    versions.set(name, version)
  }
}
for (const dir of packageDirs) {
  const file = join(dir, "deno.json")
  if (!existsSync(file)) continue
  // Text edits, not a re-serialisation, so the file keeps its owner's formatting.
  const text = readFileSync(file, "utf8")
  const manifest = JSON.parse(text)
  const version = versions.get(manifest.name)
  let next = version ? text.replace(/("version"\s*:\s*")[^"]*(")/, `$1${version}$2`) : text
  next = next.replace(
    /"npm:(\/?)(@lyzr-effect\/[^@/"]+)@[^/"]+(\/?)"/g,
    (whole, slash, name, trailing) =>
      versions.has(name) ? `"npm:${slash}${name}@^${versions.get(name)}${trailing}"` : whole
  )
  if (next !== text) writeFileSync(file, next)
  console.log(`${manifest.name}: deno.json at ${version ?? manifest.version}`)
}
