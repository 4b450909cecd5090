import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { ErrorRecord, Retry } from "../src/index.ts"

const now = Date.UTC(2025, 0, 15, 12, 0, 0)
const wait = (headers: Record<string, string>, at = now) => Retry.retryAfterMillis(headers, at)

const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const
const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const
const two = (n: number) => String(n).padStart(2, "0")
const time = (d: Date) => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`

/** The three HTTP-date formats of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime). */
const httpDates = (d: Date): ReadonlyArray<string> => [
  `${days[d.getUTCDay()]}, ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time(d)} GMT`,
  `${longDays[d.getUTCDay()]}, ${two(d.getUTCDate())}-${months[d.getUTCMonth()]}-${two(d.getUTCFullYear() % 100)} ${
    time(d)
  } GMT`,
  `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${
    time(d)
  } ${d.getUTCFullYear()}`
]

describe("Retry.retryAfterMillis", () => {
  it("reads retry-after-ms first, as milliseconds", () => {
    expect(wait({ "retry-after-ms": "250", "retry-after": "10" })).toBe(250)
    expect(wait({ "retry-after-ms": " 1.5 " })).toBe(1.5)
  })

  it("falls back to Retry-After when retry-after-ms is not a number", () => {
    expect(wait({ "retry-after-ms": "soon", "retry-after": "3" })).toBe(3000)
    expect(wait({ "retry-after-ms": "-5", "retry-after": "3" })).toBe(3000)
    expect(wait({ "retry-after-ms": "" })).toBe(undefined)
  })

  it("reads Retry-After seconds, fractions included, as milliseconds", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1_000_000 }),
        fc.option(fc.nat({ max: 999 }), { nil: undefined }),
        (whole, fraction) => {
          const text = fraction === undefined ? String(whole) : `${whole}.${String(fraction).padStart(3, "0")}`
          expect(wait({ "retry-after": text })).toBeCloseTo(Number(text) * 1000, 6)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("reads retry-after-ms for any non-negative number", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (ms) => {
        expect(wait({ "retry-after-ms": String(ms) })).toBe(ms)
      }),
      { numRuns: 100 }
    )
  })

  it("reads an HTTP date, in each of its three formats, as the time from now to it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400 * 30 }), (seconds) => {
        const at = new Date(now + seconds * 1000)
        for (const text of httpDates(at)) expect(wait({ "retry-after": text }), text).toBe(seconds * 1000)
      }),
      { numRuns: 200 }
    )
  })

  it("reads an asctime date as UTC whatever the machine's time zone", () => {
    const zone = process.env.TZ
    try {
      process.env.TZ = "America/New_York"
      expect(wait({ "retry-after": "Wed Jan 15 12:00:30 2025" })).toBe(30_000)
      expect(wait({ "retry-after": "Wed Jan  5 12:00:00 2025" }, Date.UTC(2025, 0, 5, 11, 0, 0))).toBe(3_600_000)
    } finally {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
    }
  })

  it("reads an RFC 850 two-digit year as the nearest year not more than 50 years ahead", () => {
    expect(wait({ "retry-after": "Wednesday, 15-Jan-25 12:00:01 GMT" })).toBe(1000)
    // 2075 would be 50 years ahead: read as 1975, in the past.
    expect(wait({ "retry-after": "Wednesday, 15-Jan-76 12:00:01 GMT" })).toBe(0)
  })

  it("reads a date with an hour, minute or second out of range as no request to wait", () => {
    for (
      const text of ["Wed, 15 Jan 2025 24:00:00 GMT", "Wed, 15 Jan 2025 12:60:00 GMT", "Wed, 32 Jan 2025 12:00:00 GMT"]
    ) {
      expect(wait({ "retry-after": text }), text).toBe(undefined)
    }
  })

  it("reads a date in the past as no wait at all", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 86_400 * 365 * 20 }), (seconds) => {
        const [imf] = httpDates(new Date(now - seconds * 1000))
        expect(wait({ "retry-after": imf! })).toBe(0)
      }),
      { numRuns: 100 }
    )
  })

  it("reads negative numbers, garbage and empty values as no request to wait", () => {
    for (const text of ["", " ", "-5", "-0.5", "+5", "5s", "1e3", "soon", "NaN", "Infinity", "0x10", "1,5"]) {
      expect(wait({ "retry-after": text }), text).toBe(undefined)
    }
    expect(wait({})).toBe(undefined)
  })

  it("reads text that only looks like a date (a day name and a number) as no request to wait", () => {
    for (const text of ["Sun 5", "foo 1", "Later 2050", "Mon, 99", "Wed, 21 Oct 2015", "Tomorrow 12:00"]) {
      expect(wait({ "retry-after": text }), text).toBe(undefined)
    }
  })

  it("reads any text that is neither a number nor an HTTP date as no request to wait", () => {
    const notNumber = fc.string({ maxLength: 30 }).filter((text) => !/^\s*\d+(\.\d+)?\s*$/.test(text))
    fc.assert(
      fc.property(notNumber, (text) => {
        expect(wait({ "retry-after": text })).toBe(undefined)
      }),
      { numRuns: 500 }
    )
  })
})

describe("Retry.isRetryable", () => {
  const statuses = [400, 401, 403, 404, 405, 408, 409, 418, 422, 429, 500, 501, 502, 503, 504, 505, 599]
  const retryable: ReadonlyArray<number> = [408, 409, 429, 500, 502, 503, 504]

  it("lists the retryable statuses: 408, 409, 429, 500, 502, 503, 504", () => {
    expect([...Retry.retryableStatuses].sort()).toEqual(retryable)
  })

  for (const tag of ErrorRecord.tags) {
    it(`decides ${tag} by its tag and status as documented`, () => {
      for (const status of [undefined, ...statuses]) {
        const record = status === undefined ? { tag } : { tag, status }
        const expected = tag === "TransportError" || tag === "RequestTimeout" || tag === "RateLimitExceeded"
          ? true
          : tag === "ServerError" || tag === "UnexpectedResponse"
          ? status !== undefined && retryable.includes(status)
          : false
        expect(Retry.isRetryable(record), `${tag} ${status}`).toBe(expected)
        // An Effect error class carries the tag as _tag.
        expect(Retry.isRetryable(status === undefined ? { _tag: tag } : { _tag: tag, status })).toBe(expected)
      }
    })
  }

  it("does not retry a TransportError marked transient: false, and retries one marked true", () => {
    expect(Retry.isRetryable({ tag: "TransportError", transient: false })).toBe(false)
    expect(Retry.isRetryable({ _tag: "TransportError", transient: false })).toBe(false)
    expect(Retry.isRetryable({ tag: "TransportError", transient: true })).toBe(true)
  })

  it("does not retry a record without a tag", () => {
    expect(Retry.isRetryable({ status: 503 })).toBe(false)
  })
})

describe("Retry.backoffMillis", () => {
  it("starts at the initial delay and doubles each retry", () => {
    expect([0, 1, 2, 3].map((attempt) => Retry.backoffMillis(attempt, 500, 8000))).toEqual([500, 1000, 2000, 4000])
  })

  it("never passes the maximum, and stays there", () => {
    expect(Retry.backoffMillis(4, 500, 8000)).toBe(8000)
    expect(Retry.backoffMillis(100, 500, 8000)).toBe(8000)
    expect(Retry.backoffMillis(2000, 500, 8000)).toBe(8000)
  })

  it("grows without going down, and is min(initial * 2^attempt, max)", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 64 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (attempt, initial, max) => {
          const delay = Retry.backoffMillis(attempt, initial, max)
          expect(delay).toBeLessThanOrEqual(max)
          expect(Retry.backoffMillis(attempt + 1, initial, max)).toBeGreaterThanOrEqual(delay)
          expect(delay).toBe(Math.min(initial * 2 ** attempt, max))
        }
      ),
      { numRuns: 200 }
    )
  })
})
