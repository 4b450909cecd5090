/**
 * What may be tried again, and how long the server asks to wait first.
 *
 * @since 0.1.0
 */
import type { Tag } from "./ErrorRecord.ts"

/**
 * The server's requested wait in milliseconds: `retry-after-ms`, then `Retry-After` as seconds or an
 * HTTP date (measured from `nowMillis`). Anything else is no request to wait.
 *
 * @example
 * ```ts
 * import { Retry } from "@lyzr-effect/wire"
 *
 * Retry.retryAfterMillis({ "retry-after": "2" }, Date.now()) // 2000
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const retryAfterMillis = (
  headers: Readonly<Record<string, string>>,
  nowMillis: number
): number | undefined => {
  const ms = headers["retry-after-ms"]?.trim()
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Number(ms)
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  // An HTTP date starts with a day name; this also keeps `Date.parse` away from inputs like "-5".
  if (/^[A-Za-z]{3}/.test(value)) {
    const at = Date.parse(value)
    if (Number.isFinite(at)) return Math.max(0, at - nowMillis)
  }
  return undefined
}

/**
 * The statuses worth another attempt: 408, 409, 429, 500, 502, 503, 504.
 *
 * @example
 * ```ts
 * import { Retry } from "@lyzr-effect/wire"
 *
 * Retry.retryableStatuses.has(503) // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504])

/**
 * Whether an error is worth another attempt: transport failures that may pass (not a refused
 * permission or a request that cannot be built), timeouts, and the statuses in {@link retryableStatuses}.
 *
 * @example
 * ```ts
 * import { Retry } from "@lyzr-effect/wire"
 *
 * Retry.isRetryable({ tag: "ServerError", status: 501 }) // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: {
  readonly tag?: Tag
  readonly _tag?: Tag
  readonly status?: number | undefined
  readonly transient?: boolean | undefined
}): boolean => {
  switch (error.tag ?? error._tag) {
    case "TransportError":
      return error.transient !== false
    case "RequestTimeout":
    case "RateLimitExceeded":
      return true
    case "ServerError":
    case "UnexpectedResponse":
      return error.status !== undefined && retryableStatuses.has(error.status)
    default:
      return false
  }
}

/**
 * The default backoff before retry `attempt` (0 for the first retry), without jitter:
 * `min(initial * 2^attempt, max)`.
 *
 * @example
 * ```ts
 * import { Retry } from "@lyzr-effect/wire"
 *
 * Retry.backoffMillis(3, 500, 8000) // 4000
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const backoffMillis = (attempt: number, initialMillis: number, maxMillis: number): number =>
  Math.min(initialMillis * 2 ** attempt, maxMillis)
