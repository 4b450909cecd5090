/**
 * What may be tried again, and how long the server asks to wait first.
 *
 * @since 0.1.0
 */
import type { Tag } from "./ErrorRecord.ts"

/**
 * The server's requested wait in milliseconds: `retry-after-ms`, then `Retry-After` as seconds or an
 * HTTP date in any of RFC 9110's three formats (measured from `nowMillis`; a past date is 0). Anything
 * else is no request to wait.
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
  const at = parseHttpDate(value, nowMillis)
  return at === undefined ? undefined : Math.max(0, at - nowMillis)
}

const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
const month = `(${monthNames.join("|")})`
const time = "(\\d{2}):(\\d{2}):(\\d{2})"
const imfFixdate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ${month} (\\d{4}) ${time} GMT$`)
const rfc850Date = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-${month}-(\\d{2}) ${time} GMT$`
)
const asctimeDate = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${month} ([ \\d]\\d) ${time} (\\d{4})$`)

/**
 * An HTTP date in any of the three formats of RFC 9110 §5.6.7, always UTC, as epoch milliseconds.
 * `Date.parse` is not used: it reads text such as `"Sun 5"` as a date in 2001, and asctime dates in
 * the machine's time zone.
 */
const parseHttpDate = (text: string, nowMillis: number): number | undefined => {
  let fields: [year: number, month: string, day: string, hour: string, minute: string, second: string] | undefined
  let m = imfFixdate.exec(text)
  if (m !== null) fields = [Number(m[3]), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!]
  else if ((m = rfc850Date.exec(text)) !== null) {
    // A two-digit year more than 50 years ahead is the most recent past year with those digits.
    const thisYear = new Date(nowMillis).getUTCFullYear()
    let year = thisYear - (thisYear % 100) + Number(m[3])
    if (year > thisYear + 50) year -= 100
    fields = [year, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!]
  } else if ((m = asctimeDate.exec(text)) !== null) fields = [Number(m[6]), m[1]!, m[2]!, m[3]!, m[4]!, m[5]!]
  if (fields === undefined) return undefined
  const [year, monthName, day, hour, minute, second] = fields
  const [d, h, min, s] = [day, hour, minute, second].map(Number) as [number, number, number, number]
  if (d < 1 || d > 31 || h > 23 || min > 59 || s > 60) return undefined
  return Date.UTC(year, monthNames.indexOf(monthName), d, h, min, s)
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
