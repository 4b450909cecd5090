/**
 * The retry policy of `AgentSessions`: which failures are retried, and when.
 *
 * GET is idempotent, so transport errors, timeouts, 408, 409, 429, 500, 502, 503 and 504 are retried
 * (never any other 4xx). The wait is `min(initialDelay * 2^n, maxDelay)` with jitter (between 75 % and
 * 100 % of it), unless the service said how long to wait (`retry-after-ms`, then `Retry-After` in seconds
 * or as an HTTP date): a wait up to `maxRetryAfter` (60 s) is honoured as sent; a longer one ends the
 * retries at once and the error (e.g. `RateLimitExceeded`) carries it in `retryAfter`.
 *
 * Effect 4's `HttpClient.retryTransient` honours `Retry-After` with no cap (a `3600` waits an hour) and ignores
 * `retry-after-ms`, hence this `Schedule`. The rules themselves (what is retryable, how a wait is read) come
 * from `@lyzr-effect/wire`.
 *
 * @since 0.1.0
 */
import { Retry, Settings } from "@lyzr-effect/wire"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type { AgentSessionsError } from "./AgentSessionsError.ts"

/**
 * A retry policy: a `Schedule` fed with each failed attempt's error.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
 * import { Schedule } from "effect"
 *
 * // any Schedule over the errors will do: here the default policy, at most 3 attempts in all
 * const policy: RetryPolicy.RetryPolicy = Schedule.max([RetryPolicy.make(), Schedule.recurs(2)])
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
 * import { RetryPolicy } from "@lyzr-effect/effect4-core"
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
  readonly initialDelay?: Duration.Input | undefined
  /** The longest backoff wait. Default 8 s. */
  readonly maxDelay?: Duration.Input | undefined
  /** The longest server-requested wait that is honoured; longer ones fail at once. Default 60 s. */
  readonly maxRetryAfter?: Duration.Input | undefined
}

/**
 * The defaults of {@link make}.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@lyzr-effect/effect4-core"
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
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
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
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
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
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
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
  const maxDelay = Duration.fromInputUnsafe(options.maxDelay ?? defaults.maxDelay)
  const maxRetryAfter = Duration.fromInputUnsafe(options.maxRetryAfter ?? defaults.maxRetryAfter)
  return Schedule.exponential(options.initialDelay ?? defaults.initialDelay, 2).pipe(
    // min(initial * 2^n, max), then 75-100 % of it
    Schedule.modifyDelay(({ duration }) =>
      Effect.map(Random.next, (r) => Duration.times(Duration.min(duration, maxDelay), 0.75 + 0.25 * r))
    ),
    Schedule.setInputType<AgentSessionsError>(),
    // the wait the service asked for replaces the backoff
    Schedule.modifyDelay(({ duration, input }) => Effect.succeed(retryAfter(input) ?? duration)),
    Schedule.while(({ attempt, input }) => {
      const wait = retryAfter(input)
      return attempt <= maxRetries && isRetryable(input) &&
        (wait === undefined || Duration.isLessThanOrEqualTo(wait, maxRetryAfter))
    })
  )
}

/**
 * A policy that never retries.
 *
 * @example
 * ```ts
 * import { AgentSessions, RetryPolicy } from "@lyzr-effect/effect4-core"
 *
 * // fail on the first error, e.g. behind a queue that retries on its own
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY ?? "", retryPolicy: RetryPolicy.none })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const none: RetryPolicy = Schedule.recurs(0)
