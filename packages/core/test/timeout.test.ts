import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, TestClock } from "effect"
import type { AgentSessionsError } from "../src/index.ts"
import { failureOf, json, never, start } from "./support.ts"

type Service = { list: (a: string) => Effect.Effect<ReadonlyArray<string>, AgentSessionsError> }
const list = (s: Service) => s.list("agent-1")

describe("timeout", () => {
  it.effect("an attempt that takes longer than 30 s fails with RequestTimeout", () =>
    Effect.gen(function*() {
      const { fiber } = yield* start(never, list, { maxRetries: 0 })
      yield* TestClock.adjust("29999 millis")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None")
      yield* TestClock.adjust("1 millis")
      const error = failureOf(yield* Fiber.join(fiber))
      assert.strictEqual(error._tag, "RequestTimeout")
      if (error._tag !== "RequestTimeout") return
      assert.deepStrictEqual(error.timeout, Duration.seconds(30))
      assert.strictEqual(error.url, "https://agent-prod.studio.lyzr.ai/v1/agent/agent-1/sessions")
    }))

  it.effect("the timeout option sets the limit per attempt", () =>
    Effect.gen(function*() {
      const { fiber } = yield* start(never, list, { maxRetries: 0, timeout: "2 seconds" })
      yield* TestClock.adjust("1999 millis")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None")
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "RequestTimeout")
    }))

  it.effect("the timeout is per attempt: each retry gets the whole limit again", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(never, list, { maxRetries: 2, timeout: "10 seconds" })
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("500 millis") // first backoff, at most 0.5 s
      assert.strictEqual(sent.length, 2)
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(sent.length, 3)
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "RequestTimeout")
    }))

  it.effect("a timed-out attempt is retried, and the next one can succeed", () =>
    Effect.gen(function*() {
      const handler = (_: Request, attempt: number) => (attempt === 1 ? never() : json(200, { sessions: ["s1"] }))
      const { fiber, sent } = yield* start(handler, list)
      yield* TestClock.adjust("30 seconds")
      yield* TestClock.adjust("500 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["s1"]))
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("a timed-out attempt's request is aborted", () =>
    Effect.gen(function*() {
      let aborted = false
      const handler = (request: Request) => {
        request.signal.addEventListener("abort", () => (aborted = true))
        return never()
      }
      const { fiber } = yield* start(handler, list, { maxRetries: 0, timeout: "1 second" })
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.isTrue(aborted)
    }))
})
