/**
 * `@lyzr-effect/effect4-core`: the Lyzr Agent Sessions API as Effect 4 services, with the same public
 * contract as `@lyzr-effect/core` (the Effect 3 line), built on `@lyzr-effect/wire`.
 *
 * @since 0.1.0
 */
export {
  /**
   * @since 0.1.0
   */
  AgentSessions,
  type AgentSessionsOptions,
  type AgentSessionsService
} from "./AgentSessions.ts"

/**
 * @since 0.1.0
 */
export * from "./AgentSession.ts"

/**
 * @since 0.1.0
 */
export * from "./AgentSessionsError.ts"

/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.ts"

/**
 * @since 0.1.0
 */
export * as SessionStream from "./SessionStream.ts"

/**
 * One session of `SessionStream.streamAll` when `failFast` is off: fetched, or failed with its error.
 *
 * @since 0.1.0
 */
export type { SessionResult } from "./SessionStream.ts"

/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.ts"
