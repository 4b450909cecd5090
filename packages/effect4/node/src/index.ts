/**
 * `@lyzr-effect/effect4-node`: `AgentSessions` of `@lyzr-effect/effect4-core` for Node, on an undici
 * keep-alive pool.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as NodeLyzr from "./NodeLyzr.ts"
