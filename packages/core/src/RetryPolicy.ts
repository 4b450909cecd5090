/**
 * The retry policy of `AgentSessions`: which failures are retried, and when.
 *
 * GET is idempotent, so transport errors, timeouts, 408, 409, 429, 500, 502, 503 and 504 are retried
 * (never any other 4xx). The wait is `min(initialDelay * 2^n, maxDelay)` with jitter (between 75 % and
 * 100 % of it), unless the service said how long to wait (`retry-after-ms`, then `Retry-After` in seconds
 * or as an HTTP date): a wait up to `maxRetryAfter` (60 s) is honoured as sent; a longer one ends the
 * retries at once and the error (e.g. `RateLimitExceeded`) carries it in `retryAfter`.
 *
 * `@effect/platform`'s `HttpClient.retryTransient` ignores `Retry-After`, hence this `Schedule`.
 *
 * @since 0.1.0
 */
import { Retry, Settings } from "@lyzr-effect/wire"
import * as Duration from "effect/Duration"
import * as Schedule from "effect/Schedule"
import type { AgentSessionsError } from "./AgentSessionsError.ts"

/**
 * A retry policy: a `Schedule` fed with each failed attempt's error.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/core"
 * import { Schedule } from "effect"
 *
 * // any Schedule over the errors will do: here the default policy, at most 3 attempts in all
 * const policy: RetryPolicy.RetryPolicy = RetryPolicy.make().pipe(Schedule.intersect(Schedule.recurs(2)))
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY ?? "", retryPolicy: policy })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = Schedule.Schedule<unknown, AgentSessionsError>

/**
 * The knobs of {@link make}.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@lyzr-effect/core"
 *
 * const options: RetryPolicy.Options = { maxRetries: 5, initialDelay: "200 millis", maxDelay: "5 seconds" }
 * const policy = RetryPolicy.make(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number | undefined
  /** The first backoff wait. Default 0.5 s. */
  readonly initialDelay?: Duration.DurationInput | undefined
  /** The longest backoff wait. Default 8 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** The longest server-requested wait that is honoured; longer ones fail at once. Default 60 s. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
}

/**
 * The defaults of {@link make}.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@lyzr-effect/core"
 * import { Duration } from "effect"
 *
 * console.log(RetryPolicy.defaults.maxRetries, Duration.format(RetryPolicy.defaults.maxRetryAfter)) // 2 "1m"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  maxRetries: Settings.defaults.maxRetries,
  initialDelay: Duration.millis(Settings.defaults.initialDelayMillis),
  maxDelay: Duration.millis(Settings.defaults.maxDelayMillis),
  maxRetryAfter: Duration.millis(Settings.defaults.maxRetryAfterMillis)
} as const

/**
 * Whether a failure is worth another attempt.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.tapError((error) => Effect.log(RetryPolicy.isRetryable(error) ? "transient" : "permanent"))
 * )
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: AgentSessionsError): boolean => Retry.isRetryable(error)

/**
 * The wait the service asked for, if the error carries one.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/core"
 * import { Duration, Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.tapError((error) => {
 *     const wait = RetryPolicy.retryAfter(error)
 *     return wait ? Effect.log(`the service asked to wait ${Duration.format(wait)}`) : Effect.void
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const retryAfter = (error: AgentSessionsError): Duration.Duration | undefined =>
  error._tag === "RateLimitExceeded" || error._tag === "ServerError" || error._tag === "UnexpectedResponse"
    ? error.retryAfter
    : undefined

/**
 * Builds the policy. With no options it is the default policy of `AgentSessions`.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/core"
 *
 * // five retries, starting at 1 s
 * const layer = AgentSessions.layer({
 *   apiKey: "...",
 *   retryPolicy: RetryPolicy.make({ maxRetries: 5, initialDelay: "1 second" })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): RetryPolicy => {
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? defaults.maxRetries))
  const maxDelay = Duration.decode(options.maxDelay ?? defaults.maxDelay)
  const maxRetryAfter = Duration.decode(options.maxRetryAfter ?? defaults.maxRetryAfter)
  const backoff = Schedule.exponential(options.initialDelay ?? defaults.initialDelay, 2).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxDelay)),
    Schedule.jitteredWith({ min: 0.75, max: 1 })
  )
  return Schedule.identity<AgentSessionsError>().pipe(
    Schedule.zipLeft(backoff),
    Schedule.modifyDelay((error, delay) => retryAfter(error) ?? delay),
    Schedule.whileInput((error: AgentSessionsError) => {
      const wait = retryAfter(error)
      return isRetryable(error) && (wait === undefined || Duration.lessThanOrEqualTo(wait, maxRetryAfter))
    }),
    Schedule.zipLeft(Schedule.recurs(maxRetries))
  )
}

/**
 * A policy that never retries.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/core"
 *
 * // fail on the first error, e.g. behind a queue that retries on its own
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY ?? "", retryPolicy: RetryPolicy.none })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: RetryPolicy = Schedule.stop
