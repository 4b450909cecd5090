import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Random, Schedule, TestClock } from "effect"
import { RetryPolicy } from "../src/index.ts"
import type { AgentSessionsError } from "../src/index.ts"
import { failureOf, json, start, text } from "./support.ts"

type Service = { list: (a: string) => Effect.Effect<ReadonlyArray<string>, AgentSessionsError> }
const list = (s: Service) => s.list("agent-1")
const ok = () => json(200, { sessions: ["s1"] })
/** Fails with `failure` for the first `times` requests, then answers 200. */
const failing = (times: number, failure: () => Response) => (_: Request, attempt: number) =>
  attempt <= times ? failure() : ok()
const always = (failure: () => Response) => () => failure()

/** The jitter at its lowest (75 % of the nominal wait) or its highest (just under 100 %). */
const lowestJitter = Effect.withRandom(Random.fixed([0]))
const highestJitter = Effect.withRandom(Random.fixed([0.999999]))

describe("default retry policy", () => {
  it.effect("retries twice, then fails with the last error", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => json(503, { detail: "busy" })), list)
      yield* TestClock.adjust("10 seconds")
      const exit = yield* Fiber.join(fiber)
      assert.strictEqual(failureOf(exit)._tag, "ServerError")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("the first retry waits at least 375 ms (75 % of 0.5 s)", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(lowestJitter)
      yield* TestClock.adjust("374 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("the first retry comes by 500 ms", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(highestJitter)
      yield* TestClock.adjust("499 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("the second retry waits at least 750 ms (75 % of 1 s) after the first", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(lowestJitter)
      yield* TestClock.adjust("375 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("749 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("the second retry comes by 1 s after the first", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(highestJitter)
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("998 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("2 millis")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("with real jitter, the retries fall between 75 % and 100 % of 0.5 s and 1.5 s", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(503, "")), list)
      yield* TestClock.adjust("374 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("126 millis") // 500 ms
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("1000 millis") // 1.5 s
      assert.strictEqual(sent.length, 3)
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
    }))

  it.effect("backoff is capped at 8 s (before jitter)", () =>
    Effect.gen(function*() {
      // nominal waits 0.5, 1, 2, 4, 8, 8 s; at the lowest jitter 0.375, 0.75, 1.5, 3, 6, 6 s
      const { sent } = yield* start(always(() => text(503, "")), list, { maxRetries: 6 }).pipe(lowestJitter)
      yield* TestClock.adjust("11625 millis")
      assert.strictEqual(sent.length, 6)
      yield* TestClock.adjust("5999 millis")
      assert.strictEqual(sent.length, 6)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 7)
    }))

  it.effect("a retry that succeeds gives the value", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(failing(1, () => text(503, "")), list)
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["s1"]))
      assert.strictEqual(sent.length, 2)
    }))
})

describe("server-requested waits", () => {
  it.effect("honours Retry-After in seconds", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(failing(1, () => json(429, {}, { "retry-after": "10" })), list)
      yield* TestClock.adjust("9999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
    }))

  it.effect("honours Retry-After as an HTTP date, relative to the clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2024-01-15T10:30:00Z"))
      const at = new Date(Date.parse("2024-01-15T10:30:20Z")).toUTCString() // "Mon, 15 Jan 2024 10:30:20 GMT"
      const { sent } = yield* start(failing(1, () => json(429, {}, { "retry-after": at })), list)
      yield* TestClock.adjust("19999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("an HTTP date in the past retries at once", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2024-01-15T10:30:00Z"))
      const { sent } = yield* start(
        failing(1, () => json(429, {}, { "retry-after": "Mon, 15 Jan 2024 10:00:00 GMT" })),
        list
      )
      yield* TestClock.adjust("0 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("retry-after-ms takes precedence over Retry-After", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(
        failing(1, () => json(429, {}, { "retry-after-ms": "1500", "retry-after": "30" })),
        list
      )
      yield* TestClock.adjust("1499 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("honours Retry-After on a 503", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(failing(1, () => text(503, "", { "retry-after": "3" })), list)
      yield* TestClock.adjust("2999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("a garbage Retry-After falls back to the backoff", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(failing(1, () => json(429, {}, { "retry-after": "soon-ish" })), list)
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("Retry-After over 60 s fails at once with RateLimitExceeded carrying the wait", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(
        always(() => json(429, { detail: "credits exhausted" }, { "retry-after": "120" })),
        list
      )
      const exit = yield* Fiber.join(fiber)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "RateLimitExceeded")
      assert.deepStrictEqual(RetryPolicy.retryAfter(error), Duration.seconds(120))
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("Retry-After of exactly 60 s is honoured", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(failing(1, () => json(429, {}, { "retry-after": "60" })), list)
      yield* TestClock.adjust("59999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))
})

describe("what is retried", () => {
  for (const status of [400, 401, 403, 404, 422, 501]) {
    it.effect(`${status} is not retried`, () =>
      Effect.gen(function*() {
        const { fiber, sent } = yield* start(always(() => json(status, {})), list)
        const exit = yield* Fiber.join(fiber)
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(sent.length, 1)
      }))
  }

  for (const status of [408, 409, 429, 500, 502, 503, 504]) {
    it.effect(`${status} is retried`, () =>
      Effect.gen(function*() {
        const { fiber, sent } = yield* start(failing(1, () => json(status, {})), list)
        yield* TestClock.adjust("500 millis")
        assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["s1"]))
        assert.strictEqual(sent.length, 2)
      }))
  }

  it.effect("a transport failure is retried", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(
        failing(1, () => {
          throw new TypeError("fetch failed")
        }),
        list
      )
      yield* TestClock.adjust("500 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["s1"]))
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("a 2xx body that does not decode is not retried", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(200, "not json")), list)
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "ResponseDecodeError")
      assert.strictEqual(sent.length, 1)
    }))
})

describe("retry options", () => {
  it.effect("maxRetries sets the number of retries", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(503, "")), list, { maxRetries: 4 })
      yield* TestClock.adjust("1 minute")
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 5)
    }))

  it.effect("maxRetries 0 sends one request", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(503, "")), list, { maxRetries: 0 })
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("RetryPolicy.none turns retries off", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(503, "")), list, {
        retryPolicy: RetryPolicy.none,
        maxRetries: 5
      })
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("a custom retryPolicy replaces the default (its timing, its count, what it retries)", () =>
    Effect.gen(function*() {
      const policy: RetryPolicy.RetryPolicy = Schedule.spaced("2 seconds").pipe(Schedule.intersect(Schedule.recurs(3)))
      const { fiber, sent } = yield* start(always(() => json(400, {})), list, { retryPolicy: policy, maxRetries: 0 })
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "InvalidRequest")
      assert.strictEqual(sent.length, 4)
    }))

  it.effect("RetryPolicy.make takes its own initial delay", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list, {
        retryPolicy: RetryPolicy.make({ maxRetries: 1, initialDelay: "2 seconds" })
      }).pipe(lowestJitter)
      yield* TestClock.adjust("1499 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("RetryPolicy.make's maxRetryAfter moves the fail-at-once threshold", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => json(429, {}, { "retry-after": "10" })), list, {
        retryPolicy: RetryPolicy.make({ maxRetryAfter: "5 seconds" })
      })
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "RateLimitExceeded")
      assert.strictEqual(sent.length, 1)
    }))
})
