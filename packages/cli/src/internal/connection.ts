/**
 * Where the commands send their requests: flags first, then the environment (the same variables as
 * `AgentSessions.layerConfig`), or an in-process emulator. Every setting is checked here, with
 * @lyzr-effect/wire's checks, naming it as the user wrote it: `--base-url` or `LYZR_BASE_URL`,
 * `--allow-insecure-http` or `LYZR_ALLOW_INSECURE_HTTP=true`.
 */
import { Options } from "@effect/cli"
import { AgentSessions, type AgentSessionsOptions } from "@lyzr-effect/core"
import { Emulator, EmulatorHttpClient } from "@lyzr-effect/emulator"
import { NodeLyzr } from "@lyzr-effect/node"
import { Settings } from "@lyzr-effect/wire"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as flags from "./flags.ts"

/** Bad input found before any request: exit code 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

const { names } = Settings

/**
 * The options every command takes, before or after the command's name (the root command and each
 * subcommand declare them; `merge` combines the two, the one after the name winning).
 */
export const options = {
  apiKey: Options.redacted("api-key").pipe(
    Options.withPseudoName("KEY"),
    Options.withDescription(`The API key, sent as x-api-key. Default: $${names.apiKey.env}. Never printed.`),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      `The API origin (and path prefix). Default: $${names.baseUrl.env}, else ${Settings.defaults.baseUrl}`
    ),
    Options.optional
  ),
  timeout: flags.timeout.pipe(
    Options.withDescription(
      `Per attempt: milliseconds, or a duration such as "10 seconds". Default: $${names.timeout.env}, else 30 seconds`
    ),
    Options.optional
  ),
  maxRetries: flags.maxRetries.pipe(
    Options.withDescription(
      `Retries of 408/409/429/5xx, timeouts and broken connections. Default: $${names.maxRetries.env}, else 2`
    ),
    Options.optional
  ),
  allowInsecureHttp: Options.boolean("allow-insecure-http").pipe(
    Options.withDescription(
      `Permit a plain-http base URL on a host that is not loopback (the key would travel unencrypted). ` +
        `Default: $${names.allowInsecureHttp.env}, else off`
    )
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
  /** Milliseconds. */
  readonly timeout: Option.Option<number>
  readonly maxRetries: Option.Option<number>
  readonly allowInsecureHttp: boolean
  readonly emulator: boolean
}

/** The options given before the command's name, then those after it: a flag after the name wins. */
export const merge = (before: Connection, after: Connection): Connection => ({
  apiKey: Option.orElse(after.apiKey, () => before.apiKey),
  baseUrl: Option.orElse(after.baseUrl, () => before.baseUrl),
  timeout: Option.orElse(after.timeout, () => before.timeout),
  maxRetries: Option.orElse(after.maxRetries, () => before.maxRetries),
  allowInsecureHttp: before.allowInsecureHttp || after.allowInsecureHttp,
  emulator: before.emulator || after.emulator
})

/** A value and where it came from, so that a message names the flag or the variable the user set. */
interface Sourced<A> {
  readonly value: A
  readonly source: Settings.Source
}

const usage = (message: string) => new UsageError({ message })

const checked = <A>(result: Settings.Checked<A>): Effect.Effect<A, UsageError> =>
  result._tag === "Valid" ? Effect.succeed(result.value) : Effect.fail(usage(result.message))

const fromEnv = (name: string) => Config.option(Config.string(name))

const env = Config.all({
  apiKey: Config.option(Config.redacted(names.apiKey.env)),
  baseUrl: fromEnv(names.baseUrl.env),
  timeout: fromEnv(names.timeout.env),
  maxRetries: fromEnv(names.maxRetries.env),
  allowInsecureHttp: Config.withDefault(Config.boolean(names.allowInsecureHttp.env), false),
  faults: fromEnv("LYZR_EMULATOR_FAULTS")
})

const parseFaults = (json: string): Effect.Effect<ReadonlyArray<Emulator.FaultRule>, UsageError> =>
  Effect.try({
    try: () => {
      const rules: unknown = JSON.parse(json)
      if (!Array.isArray(rules)) throw new TypeError("not a JSON array")
      // Validated by the emulator itself when injected.
      return rules as ReadonlyArray<Emulator.FaultRule>
    },
    catch: (error) => usage(`LYZR_EMULATOR_FAULTS: must be a JSON array of fault rules: ${(error as Error).message}`)
  })

/** A setting name of core's options, in the CLI's terms (`baseUrl` -> `--base-url / LYZR_BASE_URL`). */
const inCliTerms = (option: string): string => {
  const setting = Object.values(names).find((name) => name.option === option)
  return setting === undefined || setting.flag === setting.option ? option : `${setting.flag} / ${setting.env}`
}

const describeConfigError = (error: ConfigError.ConfigError): UsageError =>
  usage(
    error._op === "InvalidData" || error._op === "MissingData"
      ? `${error.path.map(inCliTerms).join(".")}: ${error.message}`
      : `invalid configuration: ${String(error)}`
  )

const pick = <A>(flag: Option.Option<A>, variable: Option.Option<A>): Option.Option<Sourced<A>> =>
  Option.isSome(flag)
    ? Option.some({ value: flag.value, source: "flag" })
    : Option.map(variable, (value) => ({ value, source: "env" }))

/**
 * `AgentSessions` for the flags: an undici pool (`NodeLyzr`) for real runs, the emulator's in-process
 * `HttpClient` with `--emulator`. Config problems surface as `UsageError`, naming the flag or the
 * variable the value came from.
 */
export const layer = (connection: Connection): Layer.Layer<AgentSessions, UsageError> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const variables = yield* Effect.mapError(env, describeConfigError)
      const timeout = Option.isSome(connection.timeout)
        ? connection.timeout.value
        : Option.isSome(variables.timeout)
        ? yield* checked(Settings.parseTimeout(variables.timeout.value, "env"))
        : undefined
      const maxRetries = Option.isSome(connection.maxRetries)
        ? connection.maxRetries.value
        : Option.isSome(variables.maxRetries)
        ? yield* checked(Settings.checkCount("maxRetries", flags.wholeNumber(variables.maxRetries.value), 0, "env"))
        : undefined
      // The hint to permit plain http names the switch beside the base URL's own source.
      const allowInsecureHttp = connection.allowInsecureHttp || variables.allowInsecureHttp
      const baseUrl = pick(connection.baseUrl, variables.baseUrl)
      if (Option.isSome(baseUrl)) {
        yield* checked(Settings.checkBaseUrl(baseUrl.value.value, allowInsecureHttp, baseUrl.value.source))
      }
      const common = {
        // Passed explicitly, so the CLI's default is the one its help names.
        baseUrl: Option.match(baseUrl, { onNone: () => Settings.defaults.baseUrl, onSome: ({ value }) => value }),
        timeout,
        maxRetries,
        allowInsecureHttp,
        // Runtime messages (a refused connection, a timeout) name the settings as flags: `--base-url`,
        // `--timeout`; a flag is always the way to change a setting here, whatever set it first.
        [Settings.sourceKey]: "flag" as const
      } satisfies Omit<AgentSessionsOptions, "apiKey"> & { readonly [Settings.sourceKey]: Settings.Source }
      if (connection.emulator) {
        const emulator = Emulator.make()
        if (Option.isSome(variables.faults)) {
          const rules = yield* parseFaults(variables.faults.value)
          yield* Effect.try({
            try: () => rules.forEach((rule) => emulator.inject(rule)),
            catch: (error) => usage(`LYZR_EMULATOR_FAULTS: ${(error as Error).message}`)
          })
        }
        // The user's real key stays out of the emulator: only an explicit --api-key is used.
        const apiKey = Option.getOrElse(connection.apiKey, () => Redacted.make<string>(Emulator.keys.full))
        return AgentSessions.layer({ ...common, apiKey }).pipe(
          Layer.provide(EmulatorHttpClient.layerHttpClient(emulator))
        )
      }
      const apiKey = pick(connection.apiKey, variables.apiKey)
      if (Option.isNone(apiKey)) {
        return yield* usage(
          `no API key: pass ${names.apiKey.flag} or set ${names.apiKey.env} (or try --emulator)`
        )
      }
      yield* checked(Settings.checkApiKey(Redacted.value(apiKey.value.value), apiKey.value.source))
      return NodeLyzr.layer({ ...common, apiKey: apiKey.value.value })
    })
  ).pipe(Layer.catchAll((error) => Layer.fail(ConfigError.isConfigError(error) ? describeConfigError(error) : error)))
