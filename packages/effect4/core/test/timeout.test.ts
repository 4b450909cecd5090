/**
 * The per-attempt deadline. On a client that does not honour `Transport.CurrentAttempt` the service times each
 * attempt with `Effect.timeoutOrElse` (driven here by `TestClock`); on one that does, the deadline and the body
 * cap travel in the fiber's context and an aborted attempt reads as `RequestTimeout`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { AgentSessions, type AgentSessionsService } from "../src/index.ts"
import { agent, failureOf, fakeServer, json, never, seedSession, session, start, testKey } from "./support.ts"

const get = (s: AgentSessionsService) => s.get(agent, session)

describe("the deadline on TestClock (a client that does not honour the attempt)", () => {
  it.effect("an attempt that never answers fails with RequestTimeout at 30 s, not before", () =>
    Effect.gen(function*() {
      const { fiber } = yield* start(never, get, { maxRetries: 0 })
      yield* TestClock.adjust("29999 millis")
      assert.isUndefined(fiber.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const error = failureOf(yield* Fiber.join(fiber))
      assert.strictEqual(error._tag, "RequestTimeout")
      assert.isTrue(error._tag === "RequestTimeout" && Duration.equals(error.timeout, Duration.seconds(30)))
      assert.include(error.message, "took longer than 30 s (the per-attempt timeout)")
      assert.include(error.message, "agent-prod.studio.lyzr.ai:443")
    }))

  it.effect("the deadline is per attempt: a timed-out attempt is retried, and the next one may answer", () =>
    Effect.gen(function*() {
      const handler = (_: Request, n: number) => (n === 1 ? never() : json(200, seedSession))
      const { fiber, sent } = yield* start(handler, get, { timeout: "2 seconds" })
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(sent.length, 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(sent.length, 2)
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
    }))

  it.effect("a slow body counts against the same deadline", () =>
    Effect.gen(function*() {
      const slowBody = () =>
        new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{\"sessions\":[")) }), {
          status: 200
        })
      const { fiber } = yield* start(slowBody, (s) => s.list(agent), { maxRetries: 0, timeout: 500 })
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "RequestTimeout")
    }))
})

describe("a client that honours the attempt", () => {
  const honouring = (handler: Parameters<typeof fakeServer>[0]) => fakeServer(handler, { honours: true })

  it.effect("gets the deadline's signal and the body cap in the fiber's context", () =>
    Effect.gen(function*() {
      const server = honouring(() => json(200, seedSession))
      yield* Effect.flatMap(AgentSessions, get).pipe(
        Effect.provide(
          AgentSessions.layer({ apiKey: testKey, maxResponseBytes: 4096 }).pipe(Layer.provide(server.layer))
        )
      )
      const attempt = server.sent[0]!.attempt
      assert.isDefined(attempt)
      assert.strictEqual(attempt!.maxResponseBytes, 4096)
      assert.isFalse(attempt!.signal.aborted, "the signal stays quiet while the attempt runs")
    }))

  it.effect("the attempt's signal aborts when the attempt fails, so a client gives up what it holds", () =>
    Effect.gen(function*() {
      const server = honouring(() => json(401, { detail: "no" }))
      const error = yield* Effect.flip(
        Effect.flatMap(AgentSessions, get).pipe(
          Effect.provide(AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(server.layer)))
        )
      )
      assert.strictEqual(error._tag, "Unauthorized")
      assert.isTrue(server.sent[0]!.attempt!.signal.aborted)
    }))

  // The transport's deadline is a timer of the runtime, not of the Effect clock: this one case runs on a 1 ms
  // deadline in real time; the socket tests of the Node adapter hold the same for a server that hangs.
  it.live("an attempt aborted by its deadline ends in RequestTimeout naming the option", () =>
    Effect.gen(function*() {
      const server = honouring((request) =>
        new Promise<Response>((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason))
        )
      )
      const layer = AgentSessions.layer({ apiKey: testKey, timeout: 1, maxRetries: 0 }).pipe(
        Layer.provide(server.layer)
      )
      const error = yield* Effect.flip(Effect.flatMap(AgentSessions, get).pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag, "RequestTimeout")
      assert.include(error.message, "took longer than 1 ms (the per-attempt timeout)")
      assert.isTrue(server.sent[0]!.attempt!.signal.aborted)
    }))
})
