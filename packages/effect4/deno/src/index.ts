/**
 * @since 0.1.0
 */

/**
 * `AgentSessions` for Deno on Effect 4: `layer`, `layerConfig` and a `Deno.env` `ConfigProvider`.
 *
 * @since 0.1.0
 */
export * as DenoLyzr from "./DenoLyzr.ts"
