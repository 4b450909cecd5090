/**
 * The Effect 4 behaviour the per-attempt deadline is built on: an `HttpClient` from `effect/http`,
 * `Effect.timeout` and `TestClock` from `effect/testing`. A request that never answers ends, at the deadline,
 * in `Cause.TimeoutError`, and its `AbortSignal` fires (the transport gives up the socket). No real sleeps:
 * fork, adjust the clock, join.
 */
import { assert, it } from "@effect/vitest"
import { Cause, Effect, Fiber } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"

it.effect("a request that never answers fails with TimeoutError at the deadline and is aborted", () =>
  Effect.gen(function*() {
    const signals: Array<AbortSignal> = []
    const client = HttpClient.make((_request, _url, signal) => {
      signals.push(signal)
      return Effect.never
    })

    const fiber = yield* client.get("http://127.0.0.1:1/v1/agent/agt_a/sessions").pipe(
      Effect.timeout("30 seconds"),
      Effect.forkChild
    )
    yield* TestClock.adjust("29 seconds")
    assert.isUndefined(fiber.pollUnsafe(), "one second before the deadline the request is still waiting")
    yield* TestClock.adjust("1 second")
    const error = yield* Fiber.join(fiber).pipe(Effect.flip)

    assert.isTrue(Cause.isTimeoutError(error))
    assert.strictEqual(signals.length, 1)
    assert.isTrue(signals[0]!.aborted)
  }))
