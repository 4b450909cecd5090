/**
 * `AgentSessions` on Cloudflare Workers: the runtime's `fetch` (with `redirect: "manual"`, which core
 * sets itself), configuration from the Worker's `env` bindings, and a `fetch` handler that builds the
 * service inside each request and turns the SDK's typed errors into JSON responses.
 *
 * @since 0.1.0
 */
import type { AgentSessions, AgentSessionsError, AgentSessionsOptions } from "@lyzr-effect/core"
import type { ConfigError, Context, Effect, Layer } from "effect"
import * as internal from "./internal/cloudflareLyzr.ts"

/**
 * The bindings `layerEnv` reads; extend your `Env` with it. `LYZR_API_KEY` is a secret
 * (`wrangler secret put LYZR_API_KEY`), the rest are `[vars]`. `LYZR_TIMEOUT` is milliseconds or a
 * duration such as `"10 seconds"`.
 *
 * @since 0.1.0
 * @category models
 */
export interface LyzrEnv {
  readonly LYZR_API_KEY?: string
  readonly LYZR_BASE_URL?: string
  readonly LYZR_TIMEOUT?: string | number
  readonly LYZR_MAX_RETRIES?: string | number
  readonly LYZR_ALLOW_INSECURE_HTTP?: string | boolean
}

/**
 * The part of a Worker's `ExecutionContext` the adapter needs (any `ctx` passed to `fetch` fits).
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerContext extends internal.WorkerContext {}

/**
 * The current request's `ExecutionContext`, provided by {@link handler}; used by {@link waitUntil}.
 *
 * @since 0.1.0
 * @category tags
 */
export const ExecutionContext: Context.Tag<internal.ExecutionContext, WorkerContext> = internal.ExecutionContext

/**
 * The type of the {@link ExecutionContext} tag.
 *
 * @since 0.1.0
 * @category tags
 */
export type ExecutionContext = internal.ExecutionContext

/**
 * `AgentSessions` from explicit options, over the runtime's `fetch`.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
 *
 * const live = (env: { LYZR_API_KEY: string }) =>
 *   CloudflareLyzr.layer({ apiKey: env.LYZR_API_KEY, baseUrl: "https://agent-prod.studio.lyzr.ai" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options: AgentSessionsOptions) => Layer.Layer<AgentSessions, ConfigError.ConfigError> =
  internal.layer

/**
 * `AgentSessions` from the Worker's `env`: `LYZR_API_KEY`, `LYZR_BASE_URL`, `LYZR_TIMEOUT`,
 * `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP` (see {@link LyzrEnv}), read through a `ConfigProvider`
 * built from those bindings only (never `process.env`). `overrides` replace what the bindings say,
 * e.g. a `retryPolicy`. Fails with a `ConfigError` when the key is missing or invalid.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * export default {
 *   fetch: (request: Request, env: CloudflareLyzr.LyzrEnv) =>
 *     Effect.runPromise(
 *       AgentSessions.pipe(
 *         Effect.flatMap((sessions) => sessions.list("agt_customer_support")),
 *         Effect.map((ids) => Response.json(ids)),
 *         Effect.provide(CloudflareLyzr.layerEnv(env))
 *       )
 *     )
 * }
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEnv: (
  env: object,
  overrides?: Partial<AgentSessionsOptions>
) => Layer.Layer<AgentSessions, ConfigError.ConfigError> = internal.layerEnv

/**
 * Options of {@link handler}. `layer` replaces the default `layerEnv(env)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions<Env> extends internal.HandlerOptions<Env> {}

/**
 * A Worker `fetch` handler from an Effect that needs `AgentSessions` (and, for {@link waitUntil}, the
 * {@link ExecutionContext}). Per request it builds `layerEnv(env)` (or `options.layer(env)`) and a
 * scheduler of its own, runs the effect with the request's `signal` (so, with the
 * `enable_request_signal` compatibility flag, a client that disconnects interrupts it), and answers
 * what the effect leaves unhandled:
 *
 * | failure | status |
 * | --- | --- |
 * | `InvalidRequest` | 400 |
 * | `Forbidden` | 403 |
 * | `AgentNotFound`, `SessionNotFound` | 404 |
 * | `ValidationError` | 422 |
 * | `RateLimitExceeded` | 429, with `Retry-After` (seconds) when the service sent a wait |
 * | `Unauthorized` (the Worker's key was refused), `ServerError`, `UnexpectedResponse`, `ResponseDecodeError`, `TransportError` | 502 |
 * | `RequestTimeout` | 504 |
 * | a `ConfigError` from the bindings, any other failure or defect | 500 (logged, not echoed) |
 *
 * The body is `{"error": {"type", "message", "code"?, "upstreamStatus"?, "requestId"?}}`; see
 * {@link errorResponse}. Nothing is cached between requests.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * export default {
 *   fetch: CloudflareLyzr.handler((request) =>
 *     Effect.gen(function*() {
 *       const sessions = yield* AgentSessions
 *       const ids = yield* sessions.list("agt_customer_support")
 *       return Response.json({ sessions: ids })
 *     })
 *   )
 * }
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export const handler: <Env extends object, Ctx extends WorkerContext, E>(
  f: (request: Request, env: Env, ctx: Ctx) => Effect.Effect<Response, E, AgentSessions | ExecutionContext>,
  options?: HandlerOptions<Env>
) => (request: Request, env: Env, ctx: Ctx) => Promise<Response> = internal.handler

/**
 * Runs `effect` in the background of the current request through `ctx.waitUntil`: started at once,
 * inside this request (so its I/O belongs to it), and kept alive after the response is sent. Failures
 * are logged. Needs the {@link ExecutionContext} that {@link handler} provides.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * const warm = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support"))
 * const route = Effect.as(CloudflareLyzr.waitUntil(warm), new Response(null, { status: 202 }))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const waitUntil: <A, E, R>(
  effect: Effect.Effect<A, E, R>
) => Effect.Effect<void, never, R | ExecutionContext> = internal.waitUntil

/**
 * The JSON response {@link handler} gives an SDK error (status as in its table), for handlers that
 * catch some errors themselves and want the default answer for the rest.
 *
 * @since 0.1.0
 * @category conversions
 */
export const errorResponse: (error: AgentSessionsError) => Response = internal.errorResponse

/**
 * The HTTP status {@link errorResponse} uses for an SDK error.
 *
 * @since 0.1.0
 * @category conversions
 */
export const statusOf: (error: AgentSessionsError) => number = internal.statusOf

/**
 * Whether a value is one of the SDK's tagged errors.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAgentSessionsError: (u: unknown) => u is AgentSessionsError = internal.isAgentSessionsError
