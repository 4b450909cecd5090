/**
 * Where the commands send their requests: flags first, then the environment (the same variables as
 * `AgentSessions.layerConfig`), or an in-process emulator.
 */
import { Options } from "@effect/cli"
import { AgentSessions, type AgentSessionsOptions } from "@lyzr-effect/core"
import { Emulator, EmulatorHttpClient } from "@lyzr-effect/emulator"
import { NodeLyzr } from "@lyzr-effect/node"
import { Config, ConfigError, Data, Duration, Effect, Either, Layer, Option, Redacted } from "effect"

/** Bad input found before any request: exit code 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

export const options = {
  apiKey: Options.redacted("api-key").pipe(
    Options.withPseudoName("KEY"),
    Options.withDescription("The API key, sent as x-api-key. Default: $LYZR_API_KEY. Never printed."),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      "The API origin (and path prefix). Default: $LYZR_BASE_URL, else https://agent-dev.test.studio.lyzr.ai"
    ),
    Options.optional
  ),
  timeout: Options.text("timeout").pipe(
    Options.withPseudoName("DURATION"),
    Options.withDescription(
      "Per attempt: milliseconds, or a duration such as \"10 seconds\". Default: $LYZR_TIMEOUT, else 30 seconds"
    ),
    Options.optional
  ),
  maxRetries: Options.integer("max-retries").pipe(
    Options.withPseudoName("N"),
    Options.withDescription(
      "Retries of 408/409/429/5xx, timeouts and broken connections. Default: $LYZR_MAX_RETRIES, else 2"
    ),
    Options.optional
  ),
  emulator: Options.boolean("emulator").pipe(
    Options.withDescription(
      "Answer from an in-process emulator of the API (no network; its sample agents, e.g. agt_customer_support). " +
        "The key defaults to the emulator's; $LYZR_API_KEY is ignored. $LYZR_EMULATOR_FAULTS (a JSON list of fault rules) injects faults."
    )
  )
}

export interface Connection {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly baseUrl: Option.Option<string>
  readonly timeout: Option.Option<string>
  readonly maxRetries: Option.Option<number>
  readonly emulator: boolean
}

const env = Config.all({
  apiKey: Config.option(Config.redacted("LYZR_API_KEY")),
  baseUrl: Config.option(Config.string("LYZR_BASE_URL")),
  timeout: Config.option(Config.string("LYZR_TIMEOUT")),
  maxRetries: Config.option(Config.integer("LYZR_MAX_RETRIES")),
  allowInsecureHttp: Config.withDefault(Config.boolean("LYZR_ALLOW_INSECURE_HTTP"), false),
  faults: Config.option(Config.string("LYZR_EMULATOR_FAULTS"))
})

/** Milliseconds (`1500`) or anything `Duration.decode` reads (`"10 seconds"`), as core's LYZR_TIMEOUT. */
const parseTimeout = (value: string, source: string): Either.Either<Duration.Duration, UsageError> => {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Either.right(Duration.millis(Number(trimmed)))
  return Either.fromOption(
    Duration.decodeUnknown(trimmed),
    () =>
      new UsageError({
        message: `${source} must be milliseconds or a duration such as "10 seconds", got ${JSON.stringify(trimmed)}`
      })
  )
}

const parseFaults = (json: string): Either.Either<ReadonlyArray<Emulator.FaultRule>, UsageError> =>
  Either.try({
    try: () => {
      const rules: unknown = JSON.parse(json)
      if (!Array.isArray(rules)) throw new TypeError("not a JSON array")
      // Validated by the emulator itself when injected.
      return rules as ReadonlyArray<Emulator.FaultRule>
    },
    catch: (error) =>
      new UsageError({
        message: `LYZR_EMULATOR_FAULTS must be a JSON array of fault rules: ${(error as Error).message}`
      })
  })

const describeConfigError = (error: ConfigError.ConfigError): UsageError =>
  new UsageError({
    message: error._op === "InvalidData" || error._op === "MissingData"
      ? `invalid ${error.path.join(".")}: ${error.message}`
      : `invalid configuration: ${String(error)}`
  })

/**
 * `AgentSessions` for the flags: an undici pool (`NodeLyzr`) for real runs, the emulator's in-process
 * `HttpClient` with `--emulator`. Config problems surface as `UsageError`.
 */
export const layer = (connection: Connection): Layer.Layer<AgentSessions, UsageError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const fromEnv = yield* Effect.mapError(env, describeConfigError)
      const timeout = Option.isSome(connection.timeout)
        ? yield* parseTimeout(connection.timeout.value, "--timeout")
        : Option.isSome(fromEnv.timeout)
        ? yield* parseTimeout(fromEnv.timeout.value, "LYZR_TIMEOUT")
        : undefined
      const maxRetries = Option.getOrUndefined(Option.orElse(connection.maxRetries, () => fromEnv.maxRetries))
      if (maxRetries !== undefined && maxRetries < 0) {
        return yield* new UsageError({ message: "--max-retries / LYZR_MAX_RETRIES must be 0 or more" })
      }
      const common = {
        baseUrl: Option.getOrUndefined(Option.orElse(connection.baseUrl, () => fromEnv.baseUrl)),
        timeout,
        maxRetries,
        allowInsecureHttp: fromEnv.allowInsecureHttp
      } satisfies Omit<AgentSessionsOptions, "apiKey">
      if (connection.emulator) {
        const emulator = Emulator.make()
        if (Option.isSome(fromEnv.faults)) {
          const rules = yield* parseFaults(fromEnv.faults.value)
          yield* Effect.try({
            try: () => rules.forEach((rule) => emulator.inject(rule)),
            catch: (error) => new UsageError({ message: `LYZR_EMULATOR_FAULTS: ${(error as Error).message}` })
          })
        }
        // The user's real key stays out of the emulator: only an explicit --api-key is used.
        const apiKey = Option.getOrElse(connection.apiKey, () => Redacted.make<string>(Emulator.keys.full))
        return AgentSessions.layer({ ...common, apiKey }).pipe(
          Layer.provide(EmulatorHttpClient.layerHttpClient(emulator))
        )
      }
      const apiKey = Option.orElse(connection.apiKey, () => fromEnv.apiKey)
      if (Option.isNone(apiKey)) {
        return yield* new UsageError({ message: "no API key: pass --api-key or set LYZR_API_KEY (or try --emulator)" })
      }
      return NodeLyzr.layer({ ...common, apiKey: apiKey.value })
    })
  ).pipe(Layer.catchAll((error) => Layer.fail(ConfigError.isConfigError(error) ? describeConfigError(error) : error)))
