/**
 * The body cap (`maxResponseBytes`): by the declared length before reading, while reading when no length is
 * declared, and through a client that honours the attempt (`Transport.BodyTooLarge` as the cause).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import { AgentSessions, type AgentSessionsService, Transport } from "../src/index.ts"
import { agent, failureOf, json, run, testKey, text } from "./support.ts"

const list = (s: AgentSessionsService) => s.list(agent)
const streamed = (bytes: number) =>
  new Response(
    new ReadableStream({
      start: (c) => {
        c.enqueue(new Uint8Array(bytes).fill(0x20))
        c.close()
      }
    }),
    { status: 200 }
  )

describe("the body cap", () => {
  it.effect("a declared length over the cap fails before reading", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => text(200, " ".repeat(2000), { "content-length": "2000" }), list, {
        maxResponseBytes: 1000
      })
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "declares 2000 bytes, over the 1000-byte cap (maxResponseBytes)")
    }))

  it.effect("an undeclared body over the cap fails once read past it", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => streamed(1001), list, { maxResponseBytes: 1000 })
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "passed the 1000-byte cap (maxResponseBytes)")
    }))

  it.effect("a body at the cap is read", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ sessions: ["ase_1"] })
      const { exit } = yield* run(() => json(200, { sessions: ["ase_1"] }), list, { maxResponseBytes: body.length })
      assert.deepStrictEqual(exit, Exit.succeed(["ase_1"]))
    }))

  it.effect("a client that honours the attempt cuts the body with BodyTooLarge: the same UnexpectedResponse", () =>
    Effect.gen(function*() {
      // A client that caps the body itself: reading it fails with the cap's cause.
      const capped = HttpClient.make((request) =>
        Effect.succeed(HttpClientResponse.fromWeb(request, new Response(Transport.capStream(streamed(100).body!, 64))))
      )
      const layer = AgentSessions.layer({ apiKey: testKey, maxResponseBytes: 64, maxRetries: 0 }).pipe(
        Layer.provide(
          Layer.mergeAll(Layer.succeed(HttpClient.HttpClient, capped), Layer.succeed(Transport.HonoursAttempt, true))
        )
      )
      const error = yield* Effect.flip(Effect.flatMap(AgentSessions, list).pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "passed the 64-byte cap (maxResponseBytes)")
    }))
})
