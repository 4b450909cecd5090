/**
 * `@lyzr-effect/effect4-core`: the Lyzr Agent Sessions API as Effect 4 services.
 *
 * The package is a skeleton for now: the Effect 4 line (issue 13) fills it with the same public contract as
 * `@lyzr-effect/core` (`AgentSessions`, the twelve tagged errors, `RetryPolicy`, `SessionStream`), built on
 * `@lyzr-effect/wire` and `effect` ^4.1 (`effect/http` for HTTP, Schema from `effect`).
 *
 * @since 0.0.0
 */
export {}
