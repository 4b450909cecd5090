// The `lyzr-emulator` command: the emulator on a Node socket, configured by flags. A hand-written
// layer over node:util's parseArgs, so the emulator stays free of @effect/cli and its dependencies.
import { readFileSync } from "node:fs"
import { isIP } from "node:net"
import { parseArgs } from "node:util"
import type { Fixture, ListShape, Options } from "../Emulator.ts"
import { serveNode } from "../node.ts"
import { make } from "./emulator.ts"
import { defaultFixture, parseFixture } from "./fixture.ts"

const name = "lyzr-emulator"

/** A mistake in the command line: exit code 2. @internal */
export class UsageError extends Error {}

/** A setting that cannot be used (an unreadable fixture, a port in use): exit code 1. @internal */
export class StartError extends Error {}

/** @internal */
export interface Settings {
  readonly port: number
  readonly host: string
  readonly fixtureFile: string | undefined
  readonly seed: number | undefined
  readonly listShape: ListShape | undefined
  readonly control: NonNullable<Options["control"]>
}

/** @internal */
export type Command =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Version" }
  | { readonly _tag: "Serve"; readonly settings: Settings }

/** @internal */
export const usage = `Usage: ${name} [options]

Serves the Lyzr Agent Sessions API from memory, with fault injection, on a local port,
and prints the LYZR_BASE_URL and LYZR_API_KEY to use. Ctrl-C (SIGINT) or SIGTERM stops it.

Options:
  --port <n>              port to listen on, 0 for any free port (default 0); the chosen port is printed
  --host <name>           address to listen on (default 127.0.0.1); a non-loopback address gets a warning
  --fixture <file.json>   the data to serve: {"agents": {...}, "keys": {...}}, as in the README
                          (default: the built-in fixture and its keys)
  --seed <n>              seed of the fault injection and the request ids, 0..4294967295 (default 1)
  --list-shape <shape>    "documented" ({"sessions": [...]}, default) or "live" (the bare array the
                          real service sends)
  --control               turn on the control API (/__emulator/faults, /__emulator/requests,
                          /__emulator/reset); off by default, so those paths answer 404
  --control-token <token> turn it on for requests with this x-emulator-token header only
                          (or set LYZR_EMULATOR_CONTROL_TOKEN, which other users cannot see in ps)
  -h, --help              print this help
  --version               print the version

Exit codes: 0 stopped by a signal (or --help, --version), 1 could not start, 2 bad command line.
`

const spec = {
  port: { type: "string" },
  host: { type: "string" },
  fixture: { type: "string" },
  seed: { type: "string" },
  "list-shape": { type: "string" },
  control: { type: "boolean" },
  "control-token": { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" }
} as const

type Flag = keyof typeof spec

const integerIn = (flag: string, text: string, max: number): number => {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!(Number.isSafeInteger(n) && n <= max)) {
    throw new UsageError(`${flag} must be an integer from 0 to ${max}, got ${JSON.stringify(text)}`)
  }
  return n
}

/**
 * Reads the command line. Throws a {@link UsageError} naming the flag on anything it does not take.
 * @internal
 */
export const parseArguments = (
  argv: ReadonlyArray<string>,
  env: { readonly [name: string]: string | undefined }
): Command => {
  const { tokens } = parseArgs({
    args: [...argv],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true
  })
  const values: Partial<Record<Flag, string | true>> = {}
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue
    if (token.kind === "positional") {
      throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}: ${name} takes only options`)
    }
    if (!Object.hasOwn(spec, token.name)) throw new UsageError(`unknown option ${token.rawName}`)
    const flag = token.name as Flag
    if (spec[flag].type === "boolean") {
      if (token.inlineValue === true) throw new UsageError(`${token.rawName} takes no value`)
      values[flag] = true
    } else {
      // parseArgs without `strict` takes the next argument whatever it is: `--port --seed 1` is a
      // missing value, not a port named "--seed" (a negative number is a value, refused below).
      if (
        token.value === undefined ||
        (token.inlineValue === false && token.value.startsWith("-") && !/^-\d/.test(token.value))
      ) {
        throw new UsageError(`${token.rawName} needs a value`)
      }
      values[flag] = token.value
    }
  }
  if (values.help === true) return { _tag: "Help" }
  if (values.version === true) return { _tag: "Version" }

  const text = (flag: Flag): string | undefined => {
    const value = values[flag]
    return typeof value === "string" ? value : undefined
  }
  const host = text("host") ?? "127.0.0.1"
  if (host.trim() === "") throw new UsageError(`--host needs a host name or address, got ""`)
  const port = text("port")
  const seed = text("seed")
  const listShape = text("list-shape")
  if (listShape !== undefined && listShape !== "documented" && listShape !== "live") {
    throw new UsageError(`--list-shape must be "documented" or "live", got ${JSON.stringify(listShape)}`)
  }
  const fixtureFile = text("fixture")
  if (fixtureFile === "") throw new UsageError(`--fixture needs a file name`)
  const token = text("control-token") ?? (env["LYZR_EMULATOR_CONTROL_TOKEN"] || undefined)
  if (token === "") throw new UsageError(`--control-token needs a non-empty token`)
  return {
    _tag: "Serve",
    settings: {
      port: port === undefined ? 0 : integerIn("--port", port, 65_535),
      host,
      fixtureFile,
      seed: seed === undefined ? undefined : integerIn("--seed", seed, 0xffff_ffff),
      listShape,
      control: token !== undefined ? { token } : values.control === true
    }
  }
}

/**
 * Loopback: what only this machine can reach. A wildcard address (0.0.0.0, ::) or any other is not.
 * @internal
 */
export const isLoopback = (host: string): boolean => {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host
  if (bare === "localhost" || bare.endsWith(".localhost")) return true
  if (isIP(bare) === 4) return bare.startsWith("127.")
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || /^::ffff:127\./i.test(bare)
  return false
}

/** Reads and checks a fixture file; a {@link StartError} names the file and what is wrong. @internal */
export const loadFixture = (file: string): Fixture => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why = code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
      ? "a directory, not a file"
      : code === "EACCES"
      ? "permission denied"
      : String(code ?? error)
    throw new StartError(`--fixture ${file}: cannot read it (${why})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new StartError(`--fixture ${file}: not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  try {
    return parseFixture(json)
  } catch (error) {
    throw new StartError(`--fixture ${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

// A value a POSIX shell (and a .env file) reads back as is.
const shellWord = (value: string): string =>
  /^[A-Za-z0-9_./:@%+,=-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`

/**
 * What the command prints once it listens: only `NAME=value` lines and `#` comments, so the whole of
 * it can be pasted into a shell or saved as a `.env` / `.dev.vars` file.
 * @internal
 */
export const banner = (options: {
  readonly version: string
  readonly url: string
  readonly fixture: Fixture
  readonly control: NonNullable<Options["control"]>
}): string => {
  const { fixture, url } = options
  const keys = Object.entries(fixture.keys)
  const main = keys.find(([, access]) => access === "*") ?? keys[0]
  const lines = [`# ${name} ${options.version}: the Lyzr Agent Sessions API on ${url} (Ctrl-C stops it)`]
  lines.push(`LYZR_BASE_URL=${url}`)
  if (main === undefined) {
    lines.push(`# the fixture has no keys: every request is answered 401`)
  } else {
    lines.push(`LYZR_API_KEY=${shellWord(main[0])}`)
    const reads = (access: "*" | ReadonlyArray<string>) =>
      access === "*" ? "every agent" : access.length === 0 ? "no agent" : access.join(", ")
    if (main[1] !== "*") lines.push(`# it reads ${reads(main[1])}`)
    for (const [key, access] of keys) {
      if (key !== main[0]) lines.push(`# another key: ${shellWord(key)} (reads ${reads(access)})`)
    }
  }
  const agent = Object.keys(fixture.agents)[0]
  if (main !== undefined && agent !== undefined) {
    lines.push(
      `# try: curl -H "x-api-key: ${main[0].replaceAll(`"`, `\\"`)}" ${url}/v1/agent/${
        encodeURIComponent(agent)
      }/sessions`
    )
  }
  lines.push(
    options.control === false
      ? `# control API: off (--control turns it on)`
      : `# control API: on at ${url}/__emulator/${
        typeof options.control === "object" ? " (send the token in x-emulator-token)" : ""
      }`
  )
  return `${lines.join("\n")}\n`
}

/** The package's version, from its package.json (two levels up from `src/internal/` and `dist/internal/`). */
const version = (): string =>
  String(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version)

const listenProblem = (error: unknown, host: string, port: number): string => {
  const code = (error as { code?: unknown } | null)?.code
  const where = `cannot listen on ${host}:${port}`
  switch (code) {
    case "EADDRINUSE":
      return `${where}: the port is in use (EADDRINUSE); choose another --port, or --port 0 for any free one`
    case "EACCES":
      return `${where}: permission denied (EACCES); choose another --port (ports below 1024 need privileges)`
    case "EADDRNOTAVAIL":
      return `${where}: no such address on this machine (EADDRNOTAVAIL); check --host`
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${where}: cannot resolve the host name (${code}); check --host`
    default:
      return `${where}: ${typeof code === "string" ? code : error instanceof Error ? error.message : String(error)}`
  }
}

const isWildcard = (host: string): boolean => host === "0.0.0.0" || host === "::"

/**
 * Runs the command: prints help or the version, or serves until SIGINT or SIGTERM, then closes the
 * server and exits 0. Bad flags: a message prefixed `lyzr-emulator:` on stderr, exit code 2; a
 * setting that cannot be used: exit code 1.
 * @internal
 */
export const main = async (argv: ReadonlyArray<string>): Promise<void> => {
  const fail = (code: 1 | 2, message: string): void => {
    process.stderr.write(`${name}: ${message}\n${code === 2 ? `Run ${name} --help for the options.\n` : ""}`)
    process.exitCode = code
  }
  let command: Command
  try {
    command = parseArguments(argv, process.env)
  } catch (error) {
    if (error instanceof UsageError) return fail(2, error.message)
    throw error
  }
  if (command._tag === "Help") {
    process.stdout.write(usage)
    return
  }
  if (command._tag === "Version") {
    process.stdout.write(`${version()}\n`)
    return
  }
  const settings = command.settings
  let fixture: Fixture
  try {
    fixture = settings.fixtureFile === undefined ? defaultFixture() : loadFixture(settings.fixtureFile)
  } catch (error) {
    if (error instanceof StartError) return fail(1, error.message)
    throw error
  }
  const emulator = make({
    fixture,
    control: settings.control,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.listShape === undefined ? {} : { listShape: settings.listShape })
  })
  if (!isLoopback(settings.host)) {
    process.stderr.write(
      `${name}: warning: --host ${settings.host} is not a loopback address: other machines can reach the emulator` +
        `${settings.control === false ? "" : " and its control API"}. ` +
        `Clients elsewhere need allowInsecureHttp: true (LYZR_ALLOW_INSECURE_HTTP=true) for its plain-http URL.\n`
    )
  }
  // The signal handlers come first, so a signal that arrives while the server starts also ends in a
  // clean exit 0.
  let server: Awaited<ReturnType<typeof serveNode>> | undefined
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void (server?.close() ?? Promise.resolve()).then(() => process.exit(0))
  }
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
  try {
    server = await serveNode(emulator, { hostname: settings.host, port: settings.port })
  } catch (error) {
    process.off("SIGINT", stop)
    process.off("SIGTERM", stop)
    return fail(1, listenProblem(error, settings.host, settings.port))
  }
  // A wildcard address is where to listen, not where to connect: point clients at loopback.
  const url = isWildcard(settings.host)
    ? `http://${settings.host.includes(":") ? "[::1]" : "127.0.0.1"}:${server.port}`
    : server.url
  process.stdout.write(banner({ version: version(), url, fixture, control: settings.control }))
}
