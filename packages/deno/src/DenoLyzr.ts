/**
 * `AgentSessions` for Deno: core's service over `fetch`, configured from explicit options or read
 * key by key from `Deno.env`. Without `--allow-env` or `--allow-net` it fails with a typed error that
 * names the flag to add, never with a `NotCapable` crash.
 *
 * @since 0.1.0
 */
import type { AgentSessions, AgentSessionsOptions } from "@lyzr-effect/core"
import type * as ConfigError from "effect/ConfigError"
import type * as ConfigProvider from "effect/ConfigProvider"
import type * as Layer from "effect/Layer"
import * as internal from "./internal/denoLyzr.ts"

/**
 * `AgentSessions` from explicit options, over `fetch` (`FetchHttpClient`; core sends
 * `redirect: "manual"` and follows only same-origin redirects). Options and behaviour are core's
 * (`AgentSessions.layer`); fails with a `ConfigError` for a bad key or base URL.
 *
 * A call made without network permission for the base URL's host fails at once (no retries) with a
 * `TransportError` whose message names the flag, e.g. `--allow-net=agent-prod.studio.lyzr.ai`.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { DenoLyzr } from "@lyzr-effect/deno"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const sessions = yield* AgentSessions
 *   return yield* sessions.list("agt_customer_support")
 * })
 *
 * program.pipe(
 *   Effect.provide(DenoLyzr.layer({ apiKey: "sk-...", baseUrl: "https://agent-prod.studio.lyzr.ai" })),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options: AgentSessionsOptions) => Layer.Layer<AgentSessions, ConfigError.ConfigError> =
  internal.layer

/**
 * `AgentSessions` configured from `Deno.env`, read key by key: `LYZR_API_KEY` (required),
 * `LYZR_BASE_URL`, `LYZR_TIMEOUT`, `LYZR_MAX_RETRIES`, `LYZR_ALLOW_INSECURE_HTTP`. Run with
 * `--allow-env=LYZR_API_KEY,LYZR_BASE_URL,LYZR_TIMEOUT,LYZR_MAX_RETRIES,LYZR_ALLOW_INSECURE_HTTP`;
 * without it the layer fails with a `ConfigError` (`SourceUnavailable`) whose message names that flag.
 * The application's own `ConfigProvider` is left as it is.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { DenoLyzr } from "@lyzr-effect/deno"
 * import { Effect } from "effect"
 *
 * // deno run --allow-env=LYZR_API_KEY,LYZR_BASE_URL,LYZR_TIMEOUT,LYZR_MAX_RETRIES,LYZR_ALLOW_INSECURE_HTTP \
 * //   --allow-net=agent-dev.test.studio.lyzr.ai main.ts
 * Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.provide(DenoLyzr.layerConfig),
 *   Effect.runPromise
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<AgentSessions, ConfigError.ConfigError> = internal.layerConfig

/**
 * A `ConfigProvider` over `Deno.env` that reads each key only when a `Config` asks for it, so
 * `--allow-env=KEY,...` with just those keys suffices. A key Deno may not read fails with
 * `ConfigError` `SourceUnavailable` naming `--allow-env=KEY`; an unset key is `MissingData` as usual.
 * It cannot enumerate the environment (no `Config.hashMap` at the top level).
 *
 * @example
 * ```ts
 * import { DenoLyzr } from "@lyzr-effect/deno"
 * import { Config, Effect } from "effect"
 *
 * const agentId = Config.string("AGENT_ID").pipe(Effect.withConfigProvider(DenoLyzr.configProvider))
 * ```
 *
 * @since 0.1.0
 * @category config
 */
export const configProvider: ConfigProvider.ConfigProvider = internal.configProvider
