/**
 * `AgentSessions` for Node on Effect 4: the service of `@lyzr-effect/effect4-core` on an undici keep-alive
 * pool, configured from explicit options or from `process.env`.
 *
 * @since 0.1.0
 */
import { AgentSessions, type AgentSessionsOptions, type Transport } from "@lyzr-effect/effect4-core"
import type * as Config from "effect/Config"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type { Dispatcher } from "undici"
import * as config from "./internal/nodeLyzr.ts"
import * as internal from "./internal/undiciClient.ts"

/**
 * An `HttpClient` on a fresh undici keep-alive pool (`undici.Agent`), destroyed when the layer's scope
 * closes, with `Transport.HonoursAttempt`: it takes each attempt's deadline (an `AbortSignal`) and body cap
 * from `Transport.CurrentAttempt`, so `AgentSessions` runs no timeout fiber of its own. It sets no timeouts
 * of its own.
 *
 * @example
 * ```ts
 * import { NodeLyzr } from "@lyzr-effect/effect4-node"
 * import { Effect } from "effect"
 * import { HttpClient } from "effect/http"
 *
 * const status = HttpClient.get("http://127.0.0.1:8080/health").pipe(
 *   Effect.map((response) => response.status),
 *   Effect.provide(NodeLyzr.layerHttpClient)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient: Layer.Layer<HttpClient.HttpClient | Transport.HonoursAttempt> = internal.layer

/**
 * An `HttpClient` that sends every request through the given undici dispatcher (an `Agent`, a `ProxyAgent`,
 * a `MockAgent`...), honouring `Transport.CurrentAttempt`. The caller owns the dispatcher and closes it.
 *
 * @example
 * ```ts
 * import { AgentSessions, Transport } from "@lyzr-effect/effect4-core"
 * import { NodeLyzr } from "@lyzr-effect/effect4-node"
 * import { Effect, Layer } from "effect"
 * import { HttpClient } from "effect/http"
 * import { ProxyAgent } from "undici"
 *
 * // Every call through a corporate proxy; the proxy agent is closed with the layer.
 * const ProxiedClient = Layer.merge(
 *   Layer.effect(
 *     HttpClient.HttpClient,
 *     Effect.map(
 *       Effect.acquireRelease(
 *         Effect.sync(() => new ProxyAgent("http://proxy.internal:3128")),
 *         (agent) => Effect.promise(() => agent.close())
 *       ),
 *       NodeLyzr.makeHttpClient
 *     )
 *   ),
 *   Layer.succeed(Transport.HonoursAttempt, true)
 * )
 *
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY! }).pipe(
 *   Layer.provide(ProxiedClient)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeHttpClient: (dispatcher: Dispatcher) => HttpClient.HttpClient = internal.make

/**
 * `AgentSessions` from explicit options, on its own undici keep-alive pool. Options and behaviour are
 * the core's (`AgentSessions.layer`); fails with a `ConfigError` naming the option for a bad key, base URL,
 * timeout or count.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { NodeLyzr } from "@lyzr-effect/effect4-node"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const sessions = yield* AgentSessions
 *   return yield* sessions.list("agt_customer_support")
 * })
 *
 * program.pipe(
 *   Effect.provide(NodeLyzr.layer({ apiKey: process.env.LYZR_API_KEY!, timeout: "10 seconds" })),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, Config.ConfigError> =>
  AgentSessions.layer(options).pipe(Layer.provide(layerHttpClient))

/**
 * `AgentSessions` configured by Effect `Config`, on its own undici keep-alive pool: `LYZR_API_KEY`
 * (required), `LYZR_BASE_URL`, `LYZR_TIMEOUT`, `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP`, read from
 * `process.env` when the layer is built (only these names; an empty value counts as set). A `ConfigProvider`
 * the program provides (`ConfigProvider.layer(...)`) is used instead. Problems are `ConfigError`s naming the
 * variable.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { NodeLyzr } from "@lyzr-effect/effect4-node"
 * import { Effect } from "effect"
 *
 * Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.provide(NodeLyzr.layerConfig),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<AgentSessions, Config.ConfigError> = config.layerConfig
