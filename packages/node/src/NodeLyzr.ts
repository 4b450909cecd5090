/**
 * `AgentSessions` for Node: core's service on an undici keep-alive pool, configured from explicit
 * options or from `process.env`.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { AgentSessions, type AgentSessionsOptions, type Transport } from "@lyzr-effect/core"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import type { Dispatcher } from "undici"
import * as internal from "./internal/undiciClient.ts"

/**
 * An `HttpClient` on a fresh undici keep-alive pool (`undici.Agent`), destroyed when the layer's scope
 * closes. It sets no timeouts of its own: `AgentSessions` times each attempt.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { NodeLyzr } from "@lyzr-effect/node"
 * import { Effect } from "effect"
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
 * An `HttpClient` that sends every request through the given undici dispatcher (an `Agent`, a
 * `ProxyAgent`, a `MockAgent`...). The caller owns the dispatcher and closes it.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { NodeLyzr } from "@lyzr-effect/node"
 * import { Effect, Layer } from "effect"
 * import { ProxyAgent } from "undici"
 *
 * // Every call through a corporate proxy; the proxy agent is closed with the layer.
 * const ProxiedClient = Layer.scoped(
 *   HttpClient.HttpClient,
 *   Effect.map(
 *     Effect.acquireRelease(
 *       Effect.sync(() => new ProxyAgent("http://proxy.internal:3128")),
 *       (agent) => Effect.promise(() => agent.close())
 *     ),
 *     NodeLyzr.makeHttpClient
 *   )
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
 * core's (`AgentSessions.layer`); fails with a `ConfigError` for a bad key or base URL.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { NodeLyzr } from "@lyzr-effect/node"
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
export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, ConfigError.ConfigError> =>
  AgentSessions.layer(options).pipe(Layer.provide(layerHttpClient))

/**
 * `AgentSessions` configured by Effect `Config`, on its own undici keep-alive pool. With Effect's
 * default `ConfigProvider` that is `process.env`: `LYZR_API_KEY` (required), `LYZR_BASE_URL`,
 * `LYZR_TIMEOUT`, `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP`.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { NodeLyzr } from "@lyzr-effect/node"
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
export const layerConfig: Layer.Layer<AgentSessions, ConfigError.ConfigError> = AgentSessions.layerConfig.pipe(
  Layer.provide(layerHttpClient)
)
