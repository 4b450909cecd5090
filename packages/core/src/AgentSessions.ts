/**
 * The Agent Sessions API as an Effect service.
 *
 * @since 0.1.0
 */
// Deep imports, not the "@effect/platform" barrel: the barrel also loads MsgPack, whose msgpackr reads
// process.env at module load, which Deno refuses without --allow-env (NotCapable before any code runs).
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import {
  Clock,
  Config,
  ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Layer,
  Option,
  ParseResult,
  Redacted,
  Schedule,
  Schema
} from "effect"
import { AgentSession, SessionIds } from "./AgentSession.ts"
import * as Errors from "./AgentSessionsError.ts"
import * as fast from "./internal/fastDecode.ts"
import * as internal from "./internal/response.ts"
import * as sessionStream from "./internal/sessionStream.ts"
import * as wire from "./internal/wire.ts"
import * as RetryPolicy from "./RetryPolicy.ts"

/**
 * How to reach the service. Only `apiKey` is required.
 *
 * @example
 * ```ts
 * import { AgentSessions, type AgentSessionsOptions, RetryPolicy } from "@lyzr-effect/core"
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
  /** Default `https://agent-dev.test.studio.lyzr.ai`; production is `https://agent-prod.studio.lyzr.ai`. */
  readonly baseUrl?: string | URL | undefined
  /** Per attempt, redirects and body included. Default 30 s. */
  readonly timeout?: Duration.DurationInput | undefined
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
 * import { AgentSessions, type AgentSessionsService } from "@lyzr-effect/core"
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
 * import { AgentSessions } from "@lyzr-effect/core"
 *
 * // spelling the defaults out is the same as leaving these options away
 * const AgentSessionsLive = AgentSessions.layer({
 *   apiKey: process.env.LYZR_API_KEY ?? "",
 *   baseUrl: "https://agent-dev.test.studio.lyzr.ai",
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
  baseUrl: "https://agent-dev.test.studio.lyzr.ai",
  timeout: Duration.seconds(30),
  maxResponseBytes: 8 * 1024 * 1024,
  maxRedirects: 5
} as const

const invalid = (path: string, message: string) => ConfigError.InvalidData([path], message)

const describeCause = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  const inner = (cause as { cause?: unknown }).cause
  const code = inner instanceof Error ? ((inner as { code?: string }).code ?? inner.message) : undefined
  return code === undefined || code === ""
    ? `${cause.name}: ${cause.message}`
    : `${cause.name}: ${cause.message} (${code})`
}

/**
 * Builds the service on the `HttpClient` in context. Fails with a `ConfigError` for a key with CR/LF
 * (or otherwise unsendable), a base URL that is not http(s), or plain http to a non-loopback host.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect } from "effect"
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
export const make = (
  options: AgentSessionsOptions
): Effect.Effect<AgentSessionsService, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const apiKey = Redacted.isRedacted(options.apiKey) ? options.apiKey : Redacted.make(options.apiKey)
    const keyProblem = wire.checkApiKey(Redacted.value(apiKey))
    if (keyProblem !== undefined) return yield* Effect.fail(invalid("apiKey", keyProblem))
    const base = wire.parseBaseUrl(options.baseUrl ?? defaults.baseUrl, options.allowInsecureHttp === true)
    if (typeof base === "string") return yield* Effect.fail(invalid("baseUrl", base))
    const timeout = Duration.decode(options.timeout ?? defaults.timeout)
    const maxBytes = options.maxResponseBytes ?? defaults.maxResponseBytes
    const maxRedirects = options.maxRedirects ?? defaults.maxRedirects
    const policy = options.retryPolicy ?? RetryPolicy.make({ maxRetries: options.maxRetries })

    const baseOrigin = base.origin
    // "" for a bare origin; never ends in "/", so joined paths cannot start with "//".
    const basePath = base.pathname.replace(/\/+$/, "")
    const keyValue = Redacted.value(apiKey)

    // Every call goes through this one client: the key and accept headers, then the user's hook.
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.mapRequest(HttpClientRequest.setHeaders({ "x-api-key": keyValue, accept: "application/json" })),
      // One span per call, ours: the platform's client span would record response headers verbatim
      // (a server echoing the key would put it in traces) and costs a second span per attempt.
      HttpClient.withTracerDisabledWhen(() => true),
      options.transformClient ?? ((client) => client)
    )

    // Defence in depth: no text built from an underlying error or from a response (a server may echo
    // the key in a body, header or Location) may carry the key into an error or a log.
    // The key may also come back percent-encoded (in a Location or a URL built from one).
    const keyForms = [...new Set([keyValue, encodeURIComponent(keyValue), encodeURI(keyValue)])]
    const scrub = (text: string): string => keyForms.reduce((out, form) => out.split(form).join("<redacted>"), text)
    const containsKey = (text: string): boolean => keyForms.some((form) => text.includes(form))
    const scrubOptional = (text: string | undefined) => (text === undefined ? undefined : scrub(text))

    const transportError = (url: URL, message: string, cause: unknown) =>
      new Errors.TransportError({ message: scrub(message), url: scrub(url.href), cause: scrub(describeCause(cause)) })

    /** One request, following same-origin redirects, ending in the decoded body or a tagged error. */
    const attempt = <A>(
      url: URL,
      redirects: number,
      decode: (input: unknown) => Either.Either<A, ParseResult.ParseError>,
      what: string,
      notFound: "agent" | "session"
    ): Effect.Effect<A, Errors.AgentSessionsError> =>
      client.get(url).pipe(
        Effect.catchAll((error: HttpClientError.HttpClientError) =>
          Effect.fail(transportError(url, `GET ${url.pathname} failed: the connection could not be used`, error.cause))
        ),
        Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
        Effect.flatMap((response) => {
          const context: internal.ResponseContext = {
            status: response.status,
            requestId: scrubOptional(internal.requestIdOf(response.headers)),
            url: scrub(url.href)
          }
          const location = response.headers["location"]
          if (isRedirect(response.status) && location !== undefined) {
            return Effect.zipRight(
              discard(response),
              follow(url, location, redirects, context).pipe(
                Effect.flatMap((next) => attempt(next, redirects + 1, decode, what, notFound))
              )
            )
          }
          return internal.readBody(response, maxBytes, context).pipe(
            Effect.catchTag("ResponseError", (error) =>
              Effect.fail(
                transportError(url, `GET ${url.pathname}: the connection broke while reading the body`, error.cause)
              )),
            Effect.flatMap((text) =>
              response.status >= 200 && response.status < 300
                ? decodeBody(text, context, decode, what)
                : Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.fail(
                    internal.errorFor(
                      context,
                      scrub(text),
                      response.headers["content-type"],
                      internal.parseRetryAfter(response.headers, now),
                      notFound
                    )
                  ))
            )
          )
        })
      )

    /** The next URL of a redirect, refused when it leaves the base origin: the key never goes there. */
    const follow = (
      from: URL,
      location: string,
      redirects: number,
      context: internal.ResponseContext
    ): Effect.Effect<URL, Errors.UnexpectedResponse> => {
      const next = URL.canParse(location, from) ? new URL(location, from) : undefined
      const fail = (message: string) =>
        Effect.fail(
          new Errors.UnexpectedResponse({
            ...context,
            message: scrub(message),
            location: scrub(next?.href ?? location)
          })
        )
      if (next === undefined) return fail(`redirected to an invalid Location`)
      if (next.origin !== baseOrigin) {
        return fail(
          `redirected to another origin (${next.origin}); not followed, so the API key stays with ${baseOrigin}`
        )
      }
      // Requesting a URL that holds the key would put it in the HTTP client's span and in logs.
      if (containsKey(next.href)) return fail("redirected to a URL that contains the API key; not followed")
      if (redirects >= maxRedirects) return fail(`more than ${maxRedirects} redirects`)
      return Effect.succeed(next)
    }

    const decodeBody = <A>(
      text: string,
      context: internal.ResponseContext,
      decode: (input: unknown) => Either.Either<A, ParseResult.ParseError>,
      what: string
    ): Effect.Effect<A, Errors.ResponseDecodeError> => {
      const fail = (message: string) =>
        Effect.fail(
          new Errors.ResponseDecodeError({
            message: internal.boundMessage(scrub(message)),
            status: context.status,
            requestId: context.requestId,
            body: internal.excerpt(scrub(text)),
            url: context.url
          })
        )
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch (error) {
        return fail(`the ${context.status} response body is not JSON (${(error as Error).message})`)
      }
      const decoded = decode(json)
      return Either.isRight(decoded)
        ? Effect.succeed(decoded.right)
        : fail(
          `the ${context.status} response body is not ${what}: ${
            ParseResult.TreeFormatter.formatErrorSync(decoded.left)
          }`
        )
    }

    /**
     * A call: one span, attempts under the per-attempt timeout, retried by the policy. Fetch-based
     * clients get `redirect: "manual"` so that redirects come back here to be checked.
     */
    const call = <A>(
      spanName: string,
      attributes: Record<string, string>,
      path: string,
      decode: (input: unknown) => Either.Either<A, ParseResult.ParseError>,
      what: string,
      notFound: "agent" | "session"
    ): Effect.Effect<A, Errors.AgentSessionsError> =>
      Effect.suspend(() => {
        const url = new URL(baseOrigin + basePath + path)
        let attempts = 0
        const once = Effect.suspend(() => {
          attempts++
          return attempt(url, 0, decode, what, notFound)
        }).pipe(
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () =>
              new Errors.RequestTimeout({
                message: `GET ${url.pathname} took longer than ${Duration.format(timeout)} (timeout per attempt)`,
                timeout,
                url: url.href
              })
          })
        )
        const logged = Schedule.intersect(policy, Schedule.identity<Errors.AgentSessionsError>()).pipe(
          Schedule.onDecision(([, error], decision) =>
            decision._tag === "Continue"
              ? Effect.logDebug(`${spanName}: attempt ${attempts} failed with ${error._tag}; retrying`).pipe(
                Effect.annotateLogs({ status: error.status ?? "none", requestId: error.requestId ?? "none" })
              )
              : Effect.void
          )
        )
        return once.pipe(
          Effect.retry(logged),
          Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("lyzr.attempts", attempts))),
          withManualRedirects
        )
      }).pipe(Effect.withSpan(spanName, {
        kind: "client",
        attributes: { ...attributes, "http.request.method": "GET", "url.path": path }
      }))

    // The schemas decide; the fast paths only skip their parser when the shape is already right.
    const decodeSession = orElseSchema(fast.session, Schema.decodeUnknownEither(AgentSession))
    const decodeIds = orElseSchema(fast.sessionIds, Schema.decodeUnknownEither(SessionIds))

    return {
      list: (agentId) => {
        const attributes = { "lyzr.agent_id": String(agentId) }
        const path = wire.listPath(agentId)
        if (typeof path !== "string") return failBeforeRequest("AgentSessions.list", attributes, path)
        // With notFound "agent", errorFor maps every 404 to AgentNotFound: SessionNotFound cannot occur.
        return call("AgentSessions.list", attributes, path, decodeIds, "a list of sessions", "agent") as Effect.Effect<
          ReadonlyArray<string>,
          Errors.ListError
        >
      },
      get: (agentId, sessionId) => {
        const attributes = { "lyzr.agent_id": String(agentId), "lyzr.session_id": String(sessionId) }
        const path = wire.getPath(agentId, sessionId)
        if (typeof path !== "string") return failBeforeRequest("AgentSessions.get", attributes, path)
        return call("AgentSessions.get", attributes, path, decodeSession, "an AgentSession", "session")
      }
    }
  })

const failBeforeRequest = (spanName: string, attributes: Record<string, string>, error: Errors.InvalidRequest) =>
  Effect.fail(error).pipe(
    Effect.ensuring(Effect.annotateCurrentSpan("lyzr.attempts", 0)),
    Effect.withSpan(spanName, { kind: "client", attributes })
  )

const orElseSchema = <A>(
  fastPath: (input: unknown) => A | undefined,
  schema: (input: unknown) => Either.Either<A, ParseResult.ParseError>
) =>
(input: unknown): Either.Either<A, ParseResult.ParseError> => {
  const value = fastPath(input)
  return value === undefined ? schema(input) : Either.right(value)
}

const isRedirect = (status: number) =>
  status === 301 || status === 302 || status === 303 || status === 307 || status === 308

/** A redirect's body is read (up to 64 KiB) and dropped, so a pooled connection can be reused. */
const discard = (response: HttpClientResponse.HttpClientResponse) =>
  Effect.ignore(internal.readBody(response, 64 * 1024, { status: response.status, requestId: undefined, url: "" }))

const withManualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...Option.getOrUndefined(init),
        redirect: "manual"
      })
  )

const parseTimeout = (value: string): Either.Either<Duration.Duration, string> => {
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Either.right(Duration.millis(Number(trimmed)))
  return Option.match(Duration.decodeUnknown(trimmed), {
    onNone: () =>
      Either.left(`LYZR_TIMEOUT must be milliseconds or a duration like "30 seconds", got ${JSON.stringify(trimmed)}`),
    onSome: Either.right
  })
}

/**
 * The options read from Effect `Config`: `LYZR_API_KEY` (redacted), `LYZR_BASE_URL`, `LYZR_TIMEOUT`
 * (milliseconds or a duration such as `"30 seconds"`), `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { ConfigProvider, Effect, Layer } from "effect"
 *
 * // the options from a map instead of the environment (Workers bindings, a config file, tests)
 * const provider = ConfigProvider.fromMap(new Map([["LYZR_API_KEY", "my-key"], ["LYZR_TIMEOUT", "10 seconds"]]))
 * const AgentSessionsLive = Layer.unwrapEffect(
 *   Effect.map(AgentSessions.config, (options) => AgentSessions.layer(options))
 * ).pipe(Layer.provide(FetchHttpClient.layer), Layer.provide(Layer.setConfigProvider(provider)))
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const config: Config.Config<AgentSessionsOptions> = Config.all({
  apiKey: Config.redacted("LYZR_API_KEY"),
  baseUrl: Config.option(Config.string("LYZR_BASE_URL")),
  timeout: Config.option(
    Config.string("LYZR_TIMEOUT").pipe(
      Config.mapOrFail((value) =>
        Either.mapLeft(parseTimeout(value), (message) => ConfigError.InvalidData(["LYZR_TIMEOUT"], message))
      )
    )
  ),
  maxRetries: Config.option(
    Config.integer("LYZR_MAX_RETRIES").pipe(Config.validate({
      message: "LYZR_MAX_RETRIES must be 0 or more",
      validation: (n) => n >= 0
    }))
  ),
  allowInsecureHttp: Config.withDefault(Config.boolean("LYZR_ALLOW_INSECURE_HTTP"), false)
}).pipe(
  Config.map((c): AgentSessionsOptions => ({
    apiKey: c.apiKey,
    baseUrl: Option.getOrUndefined(c.baseUrl),
    timeout: Option.getOrUndefined(c.timeout),
    maxRetries: Option.getOrUndefined(c.maxRetries),
    allowInsecureHttp: c.allowInsecureHttp
  }))
)

/**
 * The Agent Sessions API. `yield* AgentSessions` in an Effect gives the service; the layers build it
 * on an `HttpClient` (the adapters `@lyzr-effect/node`, `/deno` and `/cloudflare` include one).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect, Layer } from "effect"
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
export class AgentSessions extends Context.Tag("@lyzr-effect/core/AgentSessions")<
  AgentSessions,
  AgentSessionsService
>() {
  /** Builds the service (see {@link make}). */
  static readonly make = make
  /** The service from explicit options; requires an `HttpClient`. */
  static readonly layer = (
    options: AgentSessionsOptions
  ): Layer.Layer<AgentSessions, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(AgentSessions, make(options))
  /** The service from Effect `Config` (see {@link config}); requires an `HttpClient`. */
  static readonly layerConfig: Layer.Layer<AgentSessions, ConfigError.ConfigError, HttpClient.HttpClient> = Layer
    .effect(
      AgentSessions,
      Effect.flatMap(config, make)
    )
  /** The options as read from Effect `Config`. */
  static readonly config = config
  /** Every session of an agent as a `Stream` (see `SessionStream.streamAll`). */
  static readonly streamAll = sessionStream.make(AgentSessions)
}
