/**
 * The `lyzr-sessions` command: `list`, `get` and `dump` over `AgentSessions`, built with @effect/cli.
 *
 * @since 0.1.0
 */
import { Args, CliConfig, Command, HelpDoc, Options, ValidationError } from "@effect/cli"
import type { CliApp } from "@effect/cli"
import { type AgentSession, AgentSessions, type AgentSessionsError, SessionStream } from "@lyzr-effect/core"
import { Cause, Console, Data, Effect, Option, Stream } from "effect"
import * as ExitCodes from "./ExitCode.ts"
import * as connection from "./internal/connection.ts"
import * as output from "./internal/output.ts"
import * as Progress from "./internal/progress.ts"

/**
 * The version `--version` prints.
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
export const version = "0.1.0"

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

const withService = <A, E>(
  config: connection.Connection,
  effect: Effect.Effect<A, E, AgentSessions>
): Effect.Effect<A, E | connection.UsageError> => Effect.provide(effect, connection.layer(config))

const list = Command.make(
  "list",
  {
    agent,
    format: Options.choice("format", ["text", "json"]).pipe(
      Options.withDefault("text" as const),
      Options.withDescription("text: one ID per line; json: a JSON array")
    ),
    ...connection.options
  },
  (config) =>
    withService(
      config,
      Effect.gen(function*() {
        const ids = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list(config.agent))
        if (config.format === "json") return yield* output.printJson(ids)
        for (const id of ids) yield* output.writeLine(id)
      })
    )
).pipe(Command.withDescription("List the session IDs of an agent (GET /v1/agent/{agent}/sessions)."))

const get = Command.make(
  "get",
  {
    agent,
    session,
    format: Options.choice("format", ["json", "table"]).pipe(
      Options.withDefault("json" as const),
      Options.withDescription("json: the session as the API sends it; table: one field per line")
    ),
    ...connection.options
  },
  (config) =>
    withService(
      config,
      Effect.gen(function*() {
        const found = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.get(config.agent, config.session))
        if (config.format === "json") return yield* output.printJson(output.sessionJson(found))
        yield* output.writeLine(output.sessionDetails(found, { color: output.isInteractive(process.stdout) }))
      })
    )
).pipe(Command.withDescription("Show one session (GET /v2/agents/{agent}/sessions/{session})."))

const dump = Command.make(
  "dump",
  {
    agent,
    format: Options.choice("format", ["ndjson", "json", "table"]).pipe(
      Options.withDefault("ndjson" as const),
      Options.withDescription(
        "ndjson: one session per line, as each arrives; json: one JSON array at the end; table: a table at the end"
      )
    ),
    concurrency: Options.integer("concurrency").pipe(
      Options.withPseudoName("N"),
      Options.withDefault(SessionStream.defaultConcurrency),
      Options.withDescription("Sessions fetched at once")
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
  (config) =>
    withService(
      config,
      Effect.gen(function*() {
        const ids = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list(config.agent))
        const progress = Progress.make(config.agent, ids.length, {
          enabled: config.progress && output.isTerminal(process.stderr)
        })
        const options = { concurrency: config.concurrency }
        const kept: Array<AgentSession> = []
        const onSession = (found: AgentSession) =>
          config.format === "ndjson"
            ? progress.print(JSON.stringify(output.sessionJson(found)), "stdout")
            : Effect.sync(() => kept.push(found))
        let failed = 0
        let first: AgentSessionsError | undefined
        const results: Stream.Stream<SessionStream.SessionResult, AgentSessionsError, AgentSessions> = config.failFast
          ? Stream.map(
            SessionStream.streamEach(config.agent, ids, { ...options, failFast: true }),
            (found) => SessionStream.SessionResult.Fetched({ sessionId: found.id, session: found })
          )
          : SessionStream.streamEach(config.agent, ids, options)
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
        if (config.format === "json") yield* output.printJson(kept.map(output.sessionJson))
        if (config.format === "table") {
          yield* output.writeLine(
            output.sessionTable(kept, {
              color: output.isInteractive(process.stdout),
              columns: process.stdout.columns || undefined
            })
          )
        }
        if (first !== undefined) return yield* new SomeSessionsFailed({ first, failed })
      })
    )
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
export const command = Command.make("lyzr-sessions").pipe(
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
  lyzr-sessions <command> <arguments> [options]

COMMANDS
  list <agent>             the session IDs of an agent, one per line (--format text|json)
  get <agent> <session>    one session with its details (--format json|table)
  dump <agent>             every session with its details (--format ndjson|json|table),
                           fetched concurrently; a progress bar on a terminal

OPTIONS (every command)
  --api-key KEY            the API key (default: $LYZR_API_KEY); never printed
  --base-url URL           default: $LYZR_BASE_URL, else https://agent-dev.test.studio.lyzr.ai
  --timeout DURATION       per attempt, "10 seconds" or milliseconds (default: $LYZR_TIMEOUT, else 30 s)
  --max-retries N          retries of 408/409/429/5xx and network errors (default: $LYZR_MAX_RETRIES, else 2)
  --emulator               answer from a built-in emulator of the API: no network, no key needed
  -h, --help               help for a command: lyzr-sessions dump --help
  --version                the version

  LYZR_ALLOW_INSECURE_HTTP=true permits a plain-http base URL on a non-loopback host.

EXIT CODES
  0  ok
  1  unexpected error (a bug: please report it)
  2  usage: bad arguments or configuration; the API rejected the request (InvalidRequest, ValidationError)
  3  auth: Unauthorized, Forbidden
  4  not found: AgentNotFound, SessionNotFound
  5  rate limited: RateLimitExceeded
  6  unavailable: ServerError, TransportError, RequestTimeout
  7  bad response: UnexpectedResponse, ResponseDecodeError
  dump reads every session it can, then exits with the code of the first one it could not read.

EXAMPLES
  lyzr-sessions list agt_customer_support --emulator
  lyzr-sessions get agt_customer_support ase_customer_support_001 --format table --emulator
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

/** `--help` / `-h` anywhere: the help of the command named before it, or the root help. */
const helpRequested = (args: ReadonlyArray<string>): Option.Option<string> => {
  const end = args.indexOf("--")
  const flags = end === -1 ? args : args.slice(0, end)
  if (!flags.some((arg) => arg === "--help" || arg === "-h")) return Option.none()
  const named = flags.find((arg) => Object.hasOwn(subcommands, arg))
  if (named === undefined) return Option.some(rootHelp)
  const [usage, subcommand] = subcommands[named]!
  return Option.some(`USAGE\n\n  ${usage}\n\n${commandHelp(subcommand)}`)
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
  if (ValidationError.isValidationError(error)) return Effect.succeed(ExitCodes.ExitCode.usage) // printed by @effect/cli
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
 * code; every error is printed on stderr, never with the API key.
 *
 * @example
 * ```ts
 * import { NodeContext } from "@effect/platform-node"
 * import { SessionsCli } from "@lyzr-effect/cli"
 * import { Effect } from "effect"
 *
 * // 0, or the exit code of the error's family (see ExitCode); output goes to stdout / stderr
 * const exitCode = SessionsCli.run(["node", "lyzr-sessions", "list", "agt_customer_support", "--emulator"]).pipe(
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
    Option.match(helpRequested(argv.slice(2)), {
      onSome: (help) => Effect.as(Console.log(help), ExitCodes.ExitCode.ok),
      onNone: () => cli(argv).pipe(Effect.as(ExitCodes.ExitCode.ok), Effect.catchAllCause(report))
    }).pipe(
      Console.withConsole(output.plainWhenPiped(console)),
      Effect.provide(CliConfig.layer({ showBuiltIns: false }))
    )
  )
