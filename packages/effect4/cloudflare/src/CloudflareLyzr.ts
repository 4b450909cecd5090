/**
 * `AgentSessions` on Cloudflare Workers, for apps on Effect 4: the runtime's `fetch` (effect4-core's
 * `Transport.layerFetch`: each attempt's deadline and the body cap inside fetch, `redirect: "manual"`),
 * configuration from the Worker's `env` bindings, and a `fetch` handler that runs each request on a fiber of
 * its own (the service kept per set of bindings) and turns the SDK's typed errors into JSON responses.
 *
 * @since 0.1.0
 */
import type { AgentSessions, AgentSessionsError, AgentSessionsOptions } from "@lyzr-effect/effect4-core"
import type * as Config from "effect/Config"
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as internal from "./internal/cloudflareLyzr.ts"

/**
 * The bindings `layerEnv` reads; extend your `Env` with it. `LYZR_API_KEY` is a secret
 * (`wrangler secret put LYZR_API_KEY`), the rest are `[vars]`. `LYZR_TIMEOUT` is milliseconds or a
 * duration such as `"10 seconds"`.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * interface Env extends CloudflareLyzr.LyzrEnv {
 *   readonly DEFAULT_AGENT: string
 * }
 *
 * export default {
 *   fetch: CloudflareLyzr.handler((_request, env: Env) =>
 *     Effect.flatMap(AgentSessions, (sessions) => sessions.list(env.DEFAULT_AGENT)).pipe(
 *       Effect.map((ids) => Response.json(ids))
 *     )
 *   )
 * }
 * ```
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
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { Effect } from "effect"
 *
 * // in a test, a stand-in for the runtime's `ctx` that keeps the background work to await it
 * const background: Array<Promise<unknown>> = []
 * const ctx: CloudflareLyzr.WorkerContext = { waitUntil: (promise) => void background.push(promise) }
 *
 * const fetch = CloudflareLyzr.handler(() =>
 *   Effect.as(CloudflareLyzr.waitUntil(Effect.log("after the response")), new Response("ok"))
 * )
 *
 * const test = async () => {
 *   const response = await fetch(new Request("https://worker.test/"), { LYZR_API_KEY: "test-key" }, ctx)
 *   await Promise.all(background)
 *   return response.status // 200
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerContext extends internal.WorkerContext {}

/**
 * The current request's `ExecutionContext`, provided by {@link handler}; used by {@link waitUntil}.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { Effect } from "effect"
 *
 * // hand a Promise you already hold (a cache write, an analytics call) to the request's ctx
 * const keepAlive = (promise: Promise<unknown>) =>
 *   Effect.map(CloudflareLyzr.ExecutionContext, (ctx) => ctx.waitUntil(promise))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export const ExecutionContext: Context.Service<internal.ExecutionContext, WorkerContext> = internal.ExecutionContext

/**
 * The type of the {@link ExecutionContext} tag.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { Effect } from "effect"
 *
 * // a function that needs the request's context says so in its type
 * const log: Effect.Effect<void, never, CloudflareLyzr.ExecutionContext> = Effect.map(
 *   CloudflareLyzr.ExecutionContext,
 *   (ctx) => ctx.waitUntil(Promise.resolve())
 * )
 * ```
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
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 *
 * const live = (env: { LYZR_API_KEY: string }) =>
 *   CloudflareLyzr.layer({ apiKey: env.LYZR_API_KEY, baseUrl: "https://agent-prod.studio.lyzr.ai" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options: AgentSessionsOptions) => Layer.Layer<AgentSessions, Config.ConfigError> = internal.layer

/**
 * `AgentSessions` from the Worker's `env`: `LYZR_API_KEY`, `LYZR_BASE_URL`, `LYZR_TIMEOUT`,
 * `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP` (see {@link LyzrEnv}), read from those bindings only
 * (never `process.env`; an empty binding is kept as a value) with the rules of `AgentSessions.config`,
 * without Effect `Config`. `overrides` replace what the bindings say, e.g. a `retryPolicy`. Fails with a
 * `ConfigError` naming the binding when the key is missing or a value is invalid.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
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
) => Layer.Layer<AgentSessions, Config.ConfigError> = internal.layerEnv

/**
 * Options of {@link handler}. `overrides` replace what the bindings say (a `retryPolicy`, a
 * `transformClient`), as in `layerEnv(env, overrides)`, and keep the service cached per set of
 * bindings. `layer` replaces the default `layerEnv(env)` altogether and is built inside every request
 * (never cached: a layer may hold resources).
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * // no retries inside a request: the Worker's caller retries
 * const options: CloudflareLyzr.HandlerOptions<CloudflareLyzr.LyzrEnv> = {
 *   overrides: { retryPolicy: RetryPolicy.none }
 * }
 *
 * export default {
 *   fetch: CloudflareLyzr.handler(
 *     () =>
 *       Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *         Effect.map((ids) => Response.json(ids))
 *       ),
 *     options
 *   )
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions<Env> extends internal.HandlerOptions<Env> {}

/**
 * A Worker `fetch` handler from an Effect that needs `AgentSessions` (and, for {@link waitUntil}, the
 * {@link ExecutionContext}). Per request it runs the effect on a fiber and a scheduler of its own, with
 * the request's `signal` (so, with the `enable_request_signal` compatibility flag, a client that
 * disconnects interrupts it), and answers what the effect leaves unhandled. The service is built from
 * the `LYZR_*` bindings (as {@link layerEnv} does, with `options.overrides`) once per set of binding
 * values and kept by the handler (up to 8 sets, oldest dropped): pure data and closures over a stateless
 * `fetch` client, stored only once complete, so a rotated secret is used at once and a cancelled request
 * leaves nothing behind. With `options.layer` the layer is built inside every request instead.
 *
 * What the handler answers:
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
 * {@link errorResponse}.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
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
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
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
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * export default {
 *   // GET /<session ID>
 *   fetch: CloudflareLyzr.handler((request) =>
 *     AgentSessions.pipe(
 *       Effect.flatMap((sessions) => sessions.get("agt_customer_support", new URL(request.url).pathname.slice(1))),
 *       Effect.map((session) => Response.json({ id: session.id, description: session.description })),
 *       // a missing session is an answer of its own; the rest get the default response, never cached
 *       Effect.catchTag("SessionNotFound", () => Effect.succeed(Response.json({ found: false }))),
 *       Effect.catch((error) => {
 *         const response = CloudflareLyzr.errorResponse(error)
 *         response.headers.set("Cache-Control", "no-store")
 *         return Effect.succeed(response)
 *       })
 *     )
 *   )
 * }
 * ```
 *
 * @since 0.1.0
 * @category conversions
 */
export const errorResponse: (error: AgentSessionsError) => Response = internal.errorResponse

/**
 * The HTTP status {@link errorResponse} uses for an SDK error.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * // log each failure with the status the Worker will answer it with
 * const ids = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.tapError((error) =>
 *     Effect.logWarning(`list failed: ${error._tag}, answering ${CloudflareLyzr.statusOf(error)}`)
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 * @category conversions
 */
export const statusOf: (error: AgentSessionsError) => number = internal.statusOf

/**
 * Whether a value is one of the SDK's tagged errors.
 *
 * @example
 * ```ts
 * import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
 *
 * // a rejection of unknown type: the SDK's errors get their usual answer, anything else a plain 500
 * const answer = (error: unknown): Response =>
 *   CloudflareLyzr.isAgentSessionsError(error)
 *     ? CloudflareLyzr.errorResponse(error)
 *     : Response.json({ error: { type: "InternalError", message: "internal error" } }, { status: 500 })
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAgentSessionsError: (u: unknown) => u is AgentSessionsError = internal.isAgentSessionsError
