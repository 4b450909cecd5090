/**
 * Loads modules with every way of doing I/O, starting a timer or drawing a random number watched, and
 * prints (as JSON) each such call made while they load from a module under one of the given roots: work
 * done at module scope, which Workers forbid and which makes an import do more than define things.
 *
 * node --import tsx probe.ts <roots, comma-separated> <module> ...
 */
import fs from "node:fs"
import http from "node:http"
import https from "node:https"
import { syncBuiltinESMExports } from "node:module"
import net from "node:net"
import { pathToFileURL } from "node:url"

const [rootsArg = "", ...modules] = process.argv.slice(2)
const roots = rootsArg.split(",").filter(Boolean)
const events: Array<{ readonly what: string; readonly module: string; readonly at: string }> = []
let loading = ""

Error.stackTraceLimit = Infinity
/** The first frame of ours in the current stack, if any (a call made, however deep, by one of our modules). */
const self = import.meta.filename
const ourFrame = (): string | undefined =>
  new Error().stack?.split("\n").slice(1).find((line) =>
    !line.includes(self) && roots.some((root) => line.includes(root))
  )?.trim()

const watch = <T extends object>(owner: T, name: keyof T & string, what: string) => {
  const original = owner[name] as unknown as (...args: Array<unknown>) => unknown
  if (typeof original !== "function") return
  ;(owner as Record<string, unknown>)[name] = function(this: unknown, ...args: Array<unknown>) {
    const at = ourFrame()
    if (at !== undefined) events.push({ what, module: loading, at })
    return original.apply(this, args)
  }
}

watch(globalThis, "setTimeout", "a timer (setTimeout)")
watch(globalThis, "setInterval", "a timer (setInterval)")
watch(globalThis, "setImmediate", "a timer (setImmediate)")
watch(Math, "random", "a random number (Math.random)")
watch(globalThis.crypto, "getRandomValues", "random bytes (crypto.getRandomValues)")
watch(globalThis.crypto, "randomUUID", "a random UUID (crypto.randomUUID)")
watch(globalThis, "fetch", "I/O (fetch)")
for (const name of ["connect", "createConnection", "createServer"] as const) watch(net, name, `I/O (net.${name})`)
for (const name of ["request", "get", "createServer"] as const) {
  watch(http, name, `I/O (http.${name})`)
  watch(https, name, `I/O (https.${name})`)
}
for (
  const name of [
    "readFileSync",
    "readFile",
    "writeFileSync",
    "writeFile",
    "existsSync",
    "readdirSync",
    "statSync",
    "openSync",
    "createReadStream",
    "createWriteStream"
  ] as const
) {
  watch(fs, name, `I/O (fs.${name})`)
}
syncBuiltinESMExports()
const env = process.env
process.env = new Proxy(env, {
  get(target, name) {
    if (typeof name === "string") {
      const at = ourFrame()
      if (at !== undefined) events.push({ what: `the environment (process.env.${name})`, module: loading, at })
    }
    return Reflect.get(target, name)
  }
})

const failures: Array<{ readonly module: string; readonly error: string }> = []
for (const module of modules) {
  loading = module
  try {
    await import(pathToFileURL(module).href)
  } catch (error) {
    failures.push({ module, error: String(error) })
  }
}
loading = ""
process.env = env
console.log(JSON.stringify({ events, failures, loaded: modules.length }))
