/**
 * The `lyzr-sessions` command: `list`, `get` and `dump` over `AgentSessions`, built with @effect/cli.
 *
 * @since 0.1.0
 */
import { Args, CliConfig, Command, CommandDescriptor, HelpDoc, Options, ValidationError } from "@effect/cli"
import type { CliApp } from "@effect/cli"
import { type AgentSession, AgentSessions, type AgentSessionsError, SessionStream } from "@lyzr-effect/core"
import { Settings } from "@lyzr-effect/wire"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ExitCodes from "./ExitCode.ts"
import * as connection from "./internal/connection.ts"
import * as flags from "./internal/flags.ts"
import * as output from "./internal/output.ts"
import * as Progress from "./internal/progress.ts"
import * as Version from "./internal/version.ts"

/**
 * The version `--version` prints: the package's own, read from its package.json when it was built.
 *
 * @example
 * ```ts
 * import { SessionsCli } from "@lyzr-effect/cli"
 *
 * console.log(`built against lyzr-sessions ${SessionsCli.version}`)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const version: string = Version.version

/** Some sessions of a dump could not be read (each was reported as it came): exit with the first one's family. */
class SomeSessionsFailed extends Data.TaggedError("SomeSessionsFailed")<{
  readonly first: AgentSessionsError
  readonly failed: number
}> {}

const agent = Args.text({ name: "agent" }).pipe(
  Args.withDescription("The agent ID, e.g. agt_customer_support")
)
const session = Args.text({ name: "session" }).pipe(
  Args.withDescription("The session ID, e.g. ase_customer_support_001")
)

/** Every format of every command: what `--format` before the command's name accepts. */
const anyFormat = ["text", "json", "table", "ndjson"] as const
type Format = typeof anyFormat[number]

/**
 * The root command, with the options every command takes, so that they are accepted before the
 * command's name too (`lyzr-sessions --emulator list agt_1`). Each subcommand declares them again for
 * the places after its name; a subcommand reads the root's values with `yield* root`.
 */
const root = Command.make(
  "lyzr-sessions",
  {
    ...connection.options,
    format: flags.choice("format", anyFormat).pipe(
      Options.withDescription("The output format; which ones a command prints is in its own help"),
      Options.optional
    )
  },
  () => Effect.fail(new connection.UsageError({ message: "missing command: list, get or dump" }))
)

/** A command's own `--format`, optional so that one given before the command's name can apply. */
const formatOption = <const F extends Format>(choices: ReadonlyArray<F>, fallback: F, description: string) =>
  flags.choice("format", choices).pipe(
    Options.withDescription(`${description} (default: ${fallback})`),
    Options.optional
  )

interface Common<F extends Format> extends connection.Connection {
  readonly format: Option.Option<F>
}

/**
 * Runs a command's body with `AgentSessions` for the merged options (before and after the name) and
 * its format: its own `--format`, else the one before its name if it is one of its own, else its
 * default.
 */
const withService = <F extends Format, A, E>(
  name: string,
  own: Common<F>,
  formats: ReadonlyArray<F>,
  fallback: F,
  body: (format: F) => Effect.Effect<A, E, AgentSessions>
): Effect.Effect<A, E | connection.UsageError, Command.Command.Context<"lyzr-sessions">> =>
  Effect.flatMap(root, (before) => {
    const config = connection.merge(before, own)
    const format = Option.isSome(own.format)
      ? Effect.succeed(own.format.value)
      : Option.match(before.format, {
        onNone: () => Effect.succeed(fallback),
        onSome: (format) =>
          (formats as ReadonlyArray<Format>).includes(format)
            ? Effect.succeed(format as F)
            : Effect.fail(
              new connection.UsageError({
                message: `--format: ${name} prints ${flags.oneOf(formats)}, got ${JSON.stringify(format)}`
              })
            )
      })
    return Effect.flatMap(format, (format) => Effect.provide(body(format), connection.layer(config)))
  })

const list = Command.make(
  "list",
  {
    agent,
    format: formatOption(["text", "json"], "text", "text: one ID per line; json: a JSON array"),
    ...connection.options
  },
  (own) =>
    withService("list", own, ["text", "json"], "text", (format) =>
      Effect.gen(function*() {
        const ids = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list(own.agent))
        if (format === "json") return yield* output.printJson(ids)
        for (const id of ids) yield* output.writeLine(id)
      }))
).pipe(Command.withDescription("List the session IDs of an agent (GET /v1/agent/{agent}/sessions)."))

const get = Command.make(
  "get",
  {
    agent,
    session,
    format: formatOption(
      ["json", "table"],
      "json",
      "json: the session as the API sends it; table: one field per line"
    ),
    ...connection.options
  },
  (own) =>
    withService("get", own, ["json", "table"], "json", (format) =>
      Effect.gen(function*() {
        const found = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.get(own.agent, own.session))
        if (format === "json") return yield* output.printJson(output.sessionJson(found))
        yield* output.writeLine(output.sessionDetails(found, { color: output.isInteractive(process.stdout) }))
      }))
).pipe(Command.withDescription("Show one session (GET /v2/agents/{agent}/sessions/{session})."))

const dump = Command.make(
  "dump",
  {
    agent,
    format: formatOption(
      ["ndjson", "json", "table"],
      "ndjson",
      "ndjson: one session per line, as each arrives; json: one JSON array at the end; table: a table at the end"
    ),
    concurrency: flags.count("concurrency", 1).pipe(
      Options.withDefault(SessionStream.defaultConcurrency),
      Options.withDescription(`Sessions fetched at once (default: ${SessionStream.defaultConcurrency})`)
    ),
    failFast: Options.boolean("fail-fast").pipe(
      Options.withDescription("Stop at the first session that cannot be read (default: report it and go on)")
    ),
    progress: Options.boolean("no-progress", { negationNames: [] }).pipe(
      Options.map((noProgress) => !noProgress),
      Options.withDescription("No progress bar (it is drawn on stderr, only when stderr is a terminal)")
    ),
    ...connection.options
  },
  (own) =>
    withService("dump", own, ["ndjson", "json", "table"], "ndjson", (format) =>
      Effect.gen(function*() {
        const ids = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list(own.agent))
        const progress = Progress.make(own.agent, ids.length, {
          enabled: own.progress && output.isTerminal(process.stderr)
        })
        const options = { concurrency: own.concurrency }
        const kept: Array<AgentSession> = []
        const onSession = (found: AgentSession) =>
          format === "ndjson"
            ? progress.print(JSON.stringify(output.sessionJson(found)), "stdout")
            : Effect.sync(() => kept.push(found))
        let failed = 0
        let first: AgentSessionsError | undefined
        const results: Stream.Stream<SessionStream.SessionResult, AgentSessionsError, AgentSessions> = own.failFast
          ? Stream.map(
            SessionStream.streamEach(own.agent, ids, { ...options, failFast: true }),
            (found) => SessionStream.SessionResult.Fetched({ sessionId: found.id, session: found })
          )
          : SessionStream.streamEach(own.agent, ids, options)
        yield* results.pipe(
          Stream.runForEach(SessionStream.SessionResult.$match({
            Fetched: ({ session: found }) => Effect.zipRight(onSession(found), progress.advance(false)),
            Failed: ({ error, sessionId }) =>
              Effect.suspend(() => {
                failed++
                first ??= error
                return Effect.zipRight(
                  progress.print(`lyzr-sessions: ${sessionId}: ${output.describeError(error)}`, "stderr"),
                  progress.advance(true)
                )
              })
          })),
          Effect.ensuring(progress.clear)
        )
        if (format === "json") yield* output.printJson(kept.map(output.sessionJson))
        if (format === "table") {
          yield* output.writeLine(
            output.sessionTable(kept, {
              color: output.isInteractive(process.stdout),
              columns: process.stdout.columns || undefined
            })
          )
        }
        if (first !== undefined) return yield* new SomeSessionsFailed({ first, failed })
      }))
).pipe(
  Command.withDescription(
    "Every session of an agent with its details: the list, then each session (fetched concurrently, " +
      "duplicates fetched once). A session that cannot be read is reported on stderr and the rest go on."
  )
)

/**
 * The command tree of `lyzr-sessions`.
 *
 * @example
 * ```ts
 * import { Command } from "@effect/cli"
 * import { NodeContext, NodeRuntime } from "@effect/platform-node"
 * import { SessionsCli } from "@lyzr-effect/cli"
 * import { Effect } from "effect"
 *
 * // `my-tool lyzr-sessions list agt_customer_support`: the commands inside a tool of your own
 * const myTool = Command.make("my-tool").pipe(Command.withSubcommands([SessionsCli.command]))
 *
 * const cli = Command.run(myTool, { name: "my-tool", version: "1.0.0" })
 * NodeRuntime.runMain(cli(process.argv).pipe(Effect.provide(NodeContext.layer)))
 * ```
 *
 * @since 0.1.0
 * @category commands
 */
export const command = root.pipe(
  Command.withDescription("Read the sessions of Lyzr agents (the Agent Sessions API)."),
  Command.withSubcommands([list, get, dump])
)

const cliConfig = CliConfig.make({ showBuiltIns: false })

const cli = Command.run(command, { name: "lyzr-sessions", version })

/**
 * `lyzr-sessions --help`, written by hand: what a newcomer needs on one screen (@effect/cli's
 * generated page lists every flag of every command on one line each).
 *
 * @example
 * ```ts
 * import { SessionsCli } from "@lyzr-effect/cli"
 *
 * // a wrapper script that shows the help when called without arguments
 * if (process.argv.length <= 2) console.log(SessionsCli.rootHelp)
 * ```
 *
 * @since 0.1.0
 * @category help
 */
export const rootHelp = `lyzr-sessions ${version} — read the sessions of Lyzr agents (the Agent Sessions API)

USAGE
  lyzr-sessions [options] <command> <arguments> [options]

COMMANDS
  list <agent>             the session IDs of an agent, one per line (--format text|json)
  get <agent> <session>    one session with its details (--format json|table)
  dump <agent>             every session with its details (--format ndjson|json|table),
                           fetched concurrently; a progress bar on a terminal
                           (dump's own: --concurrency N, --fail-fast, --no-progress)

OPTIONS (every command; before or after the command, the one after it wins)
  --api-key KEY            the API key (default: $LYZR_API_KEY); never printed
  --base-url URL           default: $LYZR_BASE_URL, else ${Settings.defaults.baseUrl}
                           (the API's dev/test host: ${Settings.devBaseUrl})
  --timeout DURATION       per attempt, "10 seconds" or milliseconds (default: $LYZR_TIMEOUT, else 30 s)
  --max-retries N          retries of 408/409/429/5xx and network errors (default: $LYZR_MAX_RETRIES, else 2)
  --allow-insecure-http    permit a plain-http base URL on a host that is not loopback
                           (default: $LYZR_ALLOW_INSECURE_HTTP, else off)
  --format FORMAT          the output format (each command's are listed above)
  --emulator               answer from a built-in emulator of the API: no network, no key needed
  -h, --help               help for a command: lyzr-sessions dump --help
  --version                the version

EXIT CODES
  0  ok
  1  unexpected error (a bug: please report it)
  2  usage: bad arguments or configuration; the API rejected the request (InvalidRequest, ValidationError)
  3  auth: Unauthorized, Forbidden
  4  not found: AgentNotFound, SessionNotFound
  5  rate limited: RateLimitExceeded
  6  unavailable: ServerError, TransportError, RequestTimeout
  7  bad response: UnexpectedResponse, ResponseDecodeError
  130  interrupted (Ctrl-C)
  dump reads every session it can, then exits with the code of the first one it could not read.

EXAMPLES
  lyzr-sessions list agt_customer_support --emulator
  lyzr-sessions --emulator get agt_customer_support ase_customer_support_001 --format table
  LYZR_API_KEY=... lyzr-sessions dump agt_customer_support --format ndjson > sessions.ndjson`

// Lines @effect/cli adds under every option, which say nothing the usage line does not.
const boilerplate = [
  /^A user-defined piece of text( that is confidential)?\.$/,
  /^An integer\.$/,
  /^A true or false value\.$/,
  /^One of the following: .*$/,
  /^This setting is optional\.$/
]

/** A command's generated help, without the boilerplate lines. */
const commandHelp = (subcommand: Command.Command<any, any, any, any>): string =>
  HelpDoc.toAnsiText(Command.getHelp(subcommand, cliConfig))
    .split("\n")
    .filter((line) => !boilerplate.some((pattern) => pattern.test(output.stripAnsi(line).trim())))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()

const subcommands: Record<string, readonly [usage: string, command: Command.Command<any, any, any, any>]> = {
  list: ["lyzr-sessions list <agent> [options]", list],
  get: ["lyzr-sessions get <agent> <session> [options]", get],
  dump: ["lyzr-sessions dump <agent> [options]", dump]
}

/** The arguments before `--` (after it, everything is an argument). */
const flagsOf = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const end = args.indexOf("--")
  return end === -1 ? args : args.slice(0, end)
}

/**
 * What is printed without running a command: the root help for no arguments; for `--help` / `-h`
 * anywhere, the help of the command named before it, or the root help; for `--version`, the version.
 */
const shortcut = (args: ReadonlyArray<string>): Option.Option<string> => {
  const flags = flagsOf(args)
  if (args.length === 0) return Option.some(rootHelp)
  if (flags.some((arg) => arg === "--help" || arg === "-h")) {
    const named = flags.find((arg) => Object.hasOwn(subcommands, arg))
    if (named === undefined) return Option.some(rootHelp)
    const [usage, subcommand] = subcommands[named]!
    return Option.some(`USAGE\n\n  ${usage}\n\n${commandHelp(subcommand)}`)
  }
  if (flags.includes("--version")) return Option.some(version)
  return Option.none()
}

/** The options that take a value, with the value's name: a flag given last, without one, is named. */
const valued: Readonly<Record<string, string>> = {
  "--api-key": "KEY",
  "--base-url": "URL",
  "--timeout": "DURATION",
  "--max-retries": "N",
  "--format": "FORMAT",
  "--concurrency": "N"
}

/**
 * The arguments checked as @effect/cli parses them, before anything runs. @effect/cli prints its own
 * parse errors as a bare line ("Missing argument <agent>") on the way out; checking first lets
 * `report` print them in this tool's form instead: prefixed, naming the flag, one line.
 */
const validate = (args: ReadonlyArray<string>) =>
  CommandDescriptor.parse(command.descriptor, ["lyzr-sessions", ...args], cliConfig).pipe(
    Effect.mapError((error) =>
      error._tag === "CommandMismatch" ? invalidArguments(unknownCommand(flagsOf(args))) : error
    ),
    Effect.flatMap((directive) => {
      if (directive._tag !== "UserDefined" || directive.leftover.length === 0) return Effect.void
      const [first] = directive.leftover
      return Effect.fail(invalidArguments(
        first !== undefined && Object.hasOwn(valued, first)
          ? `${first}: missing value (${first} ${valued[first]})`
          : `unknown argument: ${first}`
      ))
    })
  )

const invalidArguments = (message: string) => ValidationError.invalidValue(HelpDoc.p(message))

/** "unknown command: lsit (use list, get or dump)": the first word that is no option's value. */
const unknownCommand = (words: ReadonlyArray<string>): string => {
  const word = words.find((arg, i) => !arg.startsWith("-") && !Object.hasOwn(valued, words[i - 1] ?? ""))
  const names = flags.oneOf(Object.keys(subcommands))
  return word === undefined ? `missing command: ${names}` : `unknown command: ${word} (use ${names})`
}

/** A parse error as one line; @effect/cli's wording, which names the flag or argument. */
const describeValidationError = (error: ValidationError.ValidationError): string => {
  const text = output.stripAnsi(HelpDoc.toAnsiText(error.error)).replace(/\s+/g, " ").trim()
  return text === "" ? "invalid arguments" : text
}

const report = (cause: Cause.Cause<unknown>): Effect.Effect<ExitCodes.ExitCode> => {
  const failure = Cause.failureOption(cause)
  if (Option.isNone(failure)) {
    if (Cause.isInterruptedOnly(cause)) return Effect.succeed(130 as ExitCodes.ExitCode)
    return Effect.as(
      output.printError(`unexpected error (a bug, please report it):\n${Cause.pretty(cause)}`),
      ExitCodes.ExitCode.other
    )
  }
  const error = failure.value as
    | AgentSessionsError
    | connection.UsageError
    | SomeSessionsFailed
    | ValidationError.ValidationError
  if (ValidationError.isValidationError(error)) {
    return Effect.as(output.printError(`${describeValidationError(error)} (see --help)`), ExitCodes.ExitCode.usage)
  }
  switch (error._tag) {
    case "UsageError":
      return Effect.as(output.printError(`${error.message} (see --help)`), ExitCodes.ExitCode.usage)
    case "SomeSessionsFailed":
      return Effect.as(
        output.printError(`${error.failed} session(s) could not be read`),
        ExitCodes.ofError(error.first)
      )
    default:
      return Effect.as(output.printError(output.describeError(error)), ExitCodes.ofError(error))
  }
}

/**
 * Runs `lyzr-sessions` on `argv` (as `process.argv`: runtime and script first) and returns its exit
 * code; every error is printed on stderr, prefixed with `lyzr-sessions:`, never with the API key.
 * Options every command takes may come before or after the command's name.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import { SessionsCli } from "@lyzr-effect/cli"
 * import { Effect } from "effect"
 *
 * // 0, or the exit code of the error's family (see ExitCode); output goes to stdout / stderr
 * const exitCode = SessionsCli.run(["node", "lyzr-sessions", "--emulator", "list", "agt_customer_support"]).pipe(
 *   Effect.provide(NodeContext.layer),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<ExitCodes.ExitCode, never, CliApp.CliApp.Environment> =>
  Console.consoleWith((console) =>
    Option.match(shortcut(argv.slice(2)), {
      onSome: (text) => Effect.as(Console.log(text), ExitCodes.ExitCode.ok),
      onNone: () =>
        validate(argv.slice(2)).pipe(
          Effect.zipRight(cli(argv)),
          Effect.as(ExitCodes.ExitCode.ok),
          Effect.catchAllCause(report)
        )
    }).pipe(
      Console.withConsole(output.plainWhenPiped(console)),
      Effect.provide(CliConfig.layer({ showBuiltIns: false }))
    )
  )
