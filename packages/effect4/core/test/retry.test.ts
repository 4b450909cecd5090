/**
 * The retry policy as an Effect 4 `Schedule`, driven by `TestClock` (fork, adjust, join): backoff with
 * jitter, Retry-After honoured up to 60 s and refused beyond, the retry count, and what is never retried.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Random, Schedule } from "effect"
import { TestClock } from "effect/testing"
import type { AgentSessionsError, AgentSessionsService } from "../src/index.ts"
import { RetryPolicy } from "../src/index.ts"
import { captureLogs, failureOf, json, start, text } from "./support.ts"

const list = (s: AgentSessionsService) => s.list("agt_a")
const ok = () => json(200, { sessions: ["ase_1"] })
const always = (failure: () => Response) => () => failure()
const failing = (times: number, failure: () => Response) => (_: Request, n: number) => n <= times ? failure() : ok()

/** A `Random` that always draws `value`: the jitter at its lowest (0) or highest (~1). */
const drawing = (value: number) =>
  Effect.provideService(Random.Random, { nextDoubleUnsafe: () => value, nextIntUnsafe: () => 0 })

describe("the default policy (an Effect 4 Schedule)", () => {
  it.effect("503, 503, 200: two retries, then the value", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(failing(2, () => text(503, "")), list)
      yield* TestClock.adjust("10 seconds")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["ase_1"]))
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("three 503s: two retries, then ServerError (the last one)", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => json(503, { detail: "busy" })), list)
      yield* TestClock.adjust("10 seconds")
      const error = failureOf(yield* Fiber.join(fiber))
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.status, 503)
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("backoff: the first retry after 375 ms at the lowest jitter, the second 750 ms later", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(drawing(0))
      yield* TestClock.adjust("374 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("749 millis")
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("backoff: the first retry by 500 ms at the highest jitter", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(always(() => text(503, "")), list).pipe(drawing(0.999999))
      yield* TestClock.adjust("499 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("maxRetries: 4 makes five attempts", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(502, "")), list, { maxRetries: 4 })
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "ServerError")
      assert.strictEqual(sent.length, 5)
    }))

  for (const status of [400, 401, 403, 404, 422, 501]) {
    it.effect(`${status} is not retried`, () =>
      Effect.gen(function*() {
        const { fiber, sent } = yield* start(always(() => text(status, "")), list)
        yield* TestClock.adjust("1 minute")
        assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
        assert.strictEqual(sent.length, 1)
      }))
  }

  for (const status of [408, 409, 429, 500, 502, 504]) {
    it.effect(`${status} is retried`, () =>
      Effect.gen(function*() {
        const { fiber, sent } = yield* start(failing(1, () => text(status, "")), list)
        yield* TestClock.adjust("1 minute")
        assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
        assert.strictEqual(sent.length, 2)
      }))
  }

  it.effect("a transport failure is retried", () =>
    Effect.gen(function*() {
      const handler = (_: Request, n: number) => {
        if (n === 1) {
          throw new TypeError("fetch failed", { cause: Object.assign(new Error("reset"), { code: "ECONNRESET" }) })
        }
        return ok()
      }
      const { fiber, sent } = yield* start(handler, list)
      yield* TestClock.adjust("1 minute")
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 2)
    }))
})

describe("Retry-After", () => {
  it.effect("429 with Retry-After: 2 waits exactly 2 s, whatever the backoff", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(failing(1, () => text(429, "", { "retry-after": "2" })), list)
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
    }))

  it.effect("retry-after-ms comes before Retry-After", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(
        failing(1, () => text(503, "", { "retry-after-ms": "250", "retry-after": "30" })),
        list
      )
      yield* TestClock.adjust("249 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("an HTTP date is read against the clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 0, 1, 0, 0, 0))
      const { sent } = yield* start(
        failing(1, () => text(429, "", { "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" })),
        list
      )
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("60 s is still honoured", () =>
    Effect.gen(function*() {
      const { sent } = yield* start(failing(1, () => text(429, "", { "retry-after": "60" })), list)
      yield* TestClock.adjust("59999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("beyond 60 s the call fails at once with RateLimitExceeded carrying the wait", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(
        always(() => json(429, { detail: "slow down" }, { "retry-after": "120" })),
        list
      )
      const exit = yield* Fiber.join(fiber)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "RateLimitExceeded")
      assert.isTrue(
        error._tag === "RateLimitExceeded" && error.retryAfter !== undefined &&
          Duration.equals(error.retryAfter, Duration.seconds(120))
      )
      assert.deepStrictEqual(RetryPolicy.retryAfter(error), Duration.seconds(120))
      assert.strictEqual(sent.length, 1)
    }))
})

describe("policies of one's own", () => {
  it.effect("RetryPolicy.none makes one attempt", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(always(() => text(503, "")), list, { retryPolicy: RetryPolicy.none })
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "ServerError")
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("retryPolicy replaces maxRetries: make({ maxRetries: 1, initialDelay: 1 s })", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.make({ maxRetries: 1, initialDelay: "1 second" })
      const { fiber, sent } = yield* start(always(() => text(503, "")), list, { retryPolicy: policy, maxRetries: 9 })
        .pipe(drawing(0.999999))
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 minute")
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("any Schedule over the errors: spaced 1 s, at most 3 retries, retrying even a 404", () =>
    Effect.gen(function*() {
      const policy: RetryPolicy.RetryPolicy = Schedule.spaced("1 second").pipe(
        Schedule.setInputType<AgentSessionsError>(),
        Schedule.while(({ attempt }) => attempt <= 3)
      )
      const { fiber, sent } = yield* start(always(() => text(404, "")), list, { retryPolicy: policy })
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(sent.length, 3)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "AgentNotFound")
      assert.strictEqual(sent.length, 4)
    }))

  it("isRetryable follows the wire's rule", () => {
    const error = (status: number) => ({ _tag: "ServerError", status, message: "" }) as AgentSessionsError
    assert.isTrue(RetryPolicy.isRetryable(error(503)))
    assert.isFalse(RetryPolicy.isRetryable(error(501)))
  })
})

it.effect("each retry is logged at debug level with the failed attempt's tag and status", () =>
  Effect.gen(function*() {
    const logs = captureLogs()
    const { fiber } = yield* logs.withLogs(start(failing(2, () => text(503, "", { "x-request-id": "req_7" })), list))
    yield* TestClock.adjust("10 seconds")
    assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
    const retries = logs.lines.filter((line) => line.includes("retrying"))
    assert.strictEqual(retries.length, 2)
    assert.include(retries[0]!, "AgentSessions.list: attempt 1 failed with ServerError; retrying")
    assert.include(retries[0]!, "status=503")
    assert.include(retries[0]!, "requestId=req_7")
    assert.include(retries[1]!, "attempt 2 failed")
  }))
