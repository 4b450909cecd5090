/**
 * The Agent Sessions API as an Effect 4 service.
 *
 * @since 0.1.0
 */
import { Settings } from "@lyzr-effect/wire"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { AgentSession } from "./AgentSession.ts"
import type * as Errors from "./AgentSessionsError.ts"
import * as internal from "./internal/agentSessions.ts"
import type * as RetryPolicy from "./RetryPolicy.ts"

/**
 * How to reach the service. Only `apiKey` is required.
 *
 * @example
 * ```ts
 * import { AgentSessions, type AgentSessionsOptions, RetryPolicy } from "@lyzr-effect/effect4-core"
 * import { Redacted } from "effect"
 *
 * const options: AgentSessionsOptions = {
 *   apiKey: Redacted.make(process.env.LYZR_API_KEY ?? ""),
 *   baseUrl: "https://agent-prod.studio.lyzr.ai",
 *   timeout: "10 seconds",
 *   retryPolicy: RetryPolicy.make({ maxRetries: 4, maxDelay: "2 seconds" })
 * }
 * const AgentSessionsLive = AgentSessions.layer(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AgentSessionsOptions {
  /** The key, sent as `x-api-key`. Kept `Redacted` from here to the header. */
  readonly apiKey: string | Redacted.Redacted<string>
  /** Default `https://agent-prod.studio.lyzr.ai` (production); the API docs' dev/test host is `https://agent-dev.test.studio.lyzr.ai`. */
  readonly baseUrl?: string | URL | undefined
  /** Per attempt, redirects and body included. Default 30 s. */
  readonly timeout?: Duration.Input | undefined
  /** Retries of the default policy. Default 2. Ignored when `retryPolicy` is given. */
  readonly maxRetries?: number | undefined
  /** Replaces the default policy (see `RetryPolicy.make`); `RetryPolicy.none` turns retries off. */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /** Response bodies past this many bytes fail with `UnexpectedResponse`. Default 8 MiB. */
  readonly maxResponseBytes?: number | undefined
  /** Same-origin redirects followed per attempt. Default 5. Cross-origin ones are never followed. */
  readonly maxRedirects?: number | undefined
  /** Permit a plain-http base URL on a non-loopback host (the key then travels unencrypted). */
  readonly allowInsecureHttp?: boolean | undefined
  /** Applied last to the client every call goes through (e.g. extra headers, a proxy). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The service: the two endpoints.
 *
 * @example
 * ```ts
 * import { AgentSessions, type AgentSessionsService } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * // a function of the service, e.g. to pass it to code that is not an Effect generator
 * const firstSession = (sessions: AgentSessionsService, agentId: string) =>
 *   Effect.flatMap(sessions.list(agentId), (ids) => sessions.get(agentId, ids[0] ?? ""))
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => firstSession(sessions, "agt_customer_support"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AgentSessionsService {
  /**
   * `GET /v1/agent/{agent_id}/sessions`: the IDs of the agent's sessions, from either wire shape.
   * An empty ID (or `.`/`..`) fails with `InvalidRequest` without a request.
   */
  readonly list: (agentId: string) => Effect.Effect<ReadonlyArray<string>, Errors.ListError>
  /**
   * `GET /v2/agents/{agent_id}/sessions/{session_id}`: one session. IDs that do not match
   * `agt_[0-9a-zA-Z_-]+` / `ase_[0-9a-zA-Z_-]+` fail with `InvalidRequest` without a request.
   */
  readonly get: (agentId: string, sessionId: string) => Effect.Effect<AgentSession, Errors.GetError>
}

/**
 * The defaults of {@link AgentSessionsOptions}.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 *
 * // spelling the defaults out is the same as leaving these options away
 * const AgentSessionsLive = AgentSessions.layer({
 *   apiKey: process.env.LYZR_API_KEY ?? "",
 *   baseUrl: "https://agent-prod.studio.lyzr.ai",
 *   timeout: "30 seconds",
 *   maxResponseBytes: 8 * 1024 * 1024,
 *   maxRedirects: 5
 * })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  baseUrl: Settings.defaults.baseUrl,
  timeout: Duration.millis(Settings.defaults.timeoutMillis),
  maxResponseBytes: Settings.defaults.maxResponseBytes,
  maxRedirects: Settings.defaults.maxRedirects
} as const

/**
 * Builds the service on the `HttpClient` in context. Fails with a `ConfigError` naming the option for a key
 * with CR/LF (or otherwise unsendable), a base URL that is not http(s), plain http to a non-loopback host,
 * or a bad timeout or count.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * // the service as a value, without a layer (e.g. several services with different keys)
 * const program = Effect.gen(function*() {
 *   const sessions = yield* AgentSessions.make({ apiKey: process.env.LYZR_API_KEY ?? "" })
 *   return yield* sessions.list("agt_customer_support")
 * }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  options: AgentSessionsOptions
) => Effect.Effect<AgentSessionsService, Config.ConfigError, HttpClient.HttpClient> = internal.make

const fromWire = <A>(checked: Settings.Checked<A>): Effect.Effect<A, Config.ConfigError> =>
  checked._tag === "Valid" ? Effect.succeed(checked.value) : Effect.fail(internal.configError(checked.message))

const missingKey = Settings.checkApiKey(undefined, "env")
/** "LYZR_API_KEY: is not set", as the wire words it. */
const notSet = missingKey._tag === "Invalid" ? missingKey.message : `${Settings.names.apiKey.env}: is not set`

/**
 * The options read from Effect `Config`: `LYZR_API_KEY` (redacted), `LYZR_BASE_URL`, `LYZR_TIMEOUT`
 * (milliseconds or a duration such as `"30 seconds"`), `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP`.
 * Every problem is a `ConfigError` naming the variable.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { ConfigProvider, Effect, Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * // the options from a record instead of the environment (Workers bindings, a config file, tests)
 * const provider = ConfigProvider.fromEnvRecord({ LYZR_API_KEY: "my-key", LYZR_TIMEOUT: "10 seconds" })
 * const AgentSessionsLive = Layer.unwrap(
 *   Effect.map(AgentSessions.config, (options) => AgentSessions.layer(options))
 * ).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(ConfigProvider.layer(provider)))
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<AgentSessionsOptions> = Config.all({
  apiKey: Config.option(Config.Redacted(Settings.names.apiKey.env)),
  baseUrl: Config.option(Config.String(Settings.names.baseUrl.env)),
  timeout: Config.option(
    Config.String(Settings.names.timeout.env).pipe(
      Config.mapEffect((value) => Effect.map(fromWire(Settings.parseTimeout(value, "env")), Duration.millis))
    )
  ),
  maxRetries: Config.option(
    Config.String(Settings.names.maxRetries.env).pipe(
      Config.mapEffect((value) =>
        fromWire(Settings.checkCount("maxRetries", /^\s*\d+\s*$/.test(value) ? Number(value) : value, 0, "env"))
      )
    )
  ),
  allowInsecureHttp: Config.withDefault(Config.Boolean(Settings.names.allowInsecureHttp.env), false)
}).pipe(
  Config.mapEffect((c) =>
    Option.isNone(c.apiKey)
      ? Effect.fail(internal.configError(notSet))
      : Effect.succeed(
        {
          apiKey: c.apiKey.value,
          baseUrl: Option.getOrUndefined(c.baseUrl),
          timeout: Option.getOrUndefined(c.timeout),
          maxRetries: Option.getOrUndefined(c.maxRetries),
          allowInsecureHttp: c.allowInsecureHttp,
          // Messages about these options name the variables they came from.
          [internal.settingsSource]: "env"
        } as AgentSessionsOptions
      )
  )
)

/**
 * The Agent Sessions API. `yield* AgentSessions` in an Effect gives the service; the layers build it
 * on an `HttpClient` (the adapters `@lyzr-effect/effect4-node`, `-deno` and `-cloudflare` include one).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect, Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const program = Effect.gen(function*() {
 *   const sessions = yield* AgentSessions
 *   const ids = yield* sessions.list("agt_customer_support")
 *   return yield* sessions.get("agt_customer_support", ids[0]!)
 * })
 *
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY! }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * Effect.runPromise(program.pipe(Effect.provide(AgentSessionsLive)))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class AgentSessions extends Context.Service<AgentSessions, AgentSessionsService>()(
  "@lyzr-effect/effect4-core/AgentSessions"
) {
  /** Builds the service (see {@link make}). */
  static readonly make = make
  /** The service from explicit options; requires an `HttpClient`. */
  static readonly layer = (
    options: AgentSessionsOptions
  ): Layer.Layer<AgentSessions, Config.ConfigError, HttpClient.HttpClient> => Layer.effect(AgentSessions, make(options))
  /** The service from Effect `Config` (see {@link config}); requires an `HttpClient`. */
  static readonly layerConfig: Layer.Layer<AgentSessions, Config.ConfigError, HttpClient.HttpClient> = Layer.effect(
    AgentSessions,
    Effect.flatMap(config, make)
  )
  /** The options as read from Effect `Config`. */
  static readonly config = config
}
