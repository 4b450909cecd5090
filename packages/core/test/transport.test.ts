/**
 * `Transport.fetchClient` in process, on a fake `fetch` (`FetchHttpClient.Fetch`): core's short path
 * under an attempt (the attempt's signal, the body read before the response is handed over, its failure
 * kept as a failure of the body) and the platform's semantics outside one. The runtimes' own fetch is
 * tested in the Deno and Workers adapters.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream } from "effect"
import { AgentSessions, Transport } from "../src/index.ts"
import { seedSession, seedSessionText, testKey } from "./support.ts"

interface Call {
  readonly url: string
  readonly init: RequestInit
}

const fakeFetch = (answer: (call: Call) => Response | Promise<Response>) => {
  const calls: Array<Call> = []
  const fetch = ((url: URL, init: RequestInit) => {
    const call = { url: String(url), init }
    calls.push(call)
    return Promise.resolve(answer(call))
  }) as typeof globalThis.fetch
  return { calls, layer: Layer.succeed(FetchHttpClient.Fetch, fetch) }
}

const sized = (body: string, headers: Record<string, string> = {}) =>
  new Response(body, {
    headers: {
      "content-type": "application/json",
      "content-length": String(new TextEncoder().encode(body).length),
      ...headers
    }
  })

/** The service on `Transport.layerFetch`; the client reads `FetchHttpClient.Fetch` from the call's context. */
const sessions = Layer.orDie(AgentSessions.layer({ apiKey: testKey, maxRetries: 0 })).pipe(
  Layer.provide(Transport.layerFetch)
)

const get = Effect.flatMap(AgentSessions, (s) => s.get("agt_customer_support", "ase_customer_support_001"))

const attempt = (signal: AbortSignal): Transport.Attempt => ({ signal, maxResponseBytes: 1024 * 1024 })

describe("Transport.fetchClient under core's attempt", () => {
  it.effect("sends with the attempt's signal and redirect: manual, and decodes the body it read first", () =>
    Effect.gen(function*() {
      const server = fakeFetch(() => sized(seedSessionText))
      const session = yield* get.pipe(Effect.provide(sessions), Effect.provide(server.layer))
      assert.strictEqual(session.id, seedSession.id)
      assert.strictEqual(server.calls.length, 1)
      assert.strictEqual(server.calls[0]!.init.redirect, "manual")
      // The attempt's signal (core's, aborted only when an attempt fails), not one of the client's own.
      assert.isFalse(server.calls[0]!.init.signal!.aborted)
    }))

  it.effect("a body that breaks while it is read first is a TransportError of the body, not a defect", () =>
    Effect.gen(function*() {
      const server = fakeFetch(() => {
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => {
            controller.enqueue(new TextEncoder().encode("{\"id\":"))
            controller.error(new TypeError("connection reset"))
          }
        })
        return new Response(body, { headers: { "content-type": "application/json", "content-length": "500" } })
      })
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessions), Effect.provide(server.layer)))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "body")
    }))

  it.effect("the response read first still gives its body as text, JSON, bytes and a stream, and its headers", () =>
    Effect.gen(function*() {
      const server = fakeFetch(() => sized("{\"a\":1}", { "x-request-id": "req-1" }))
      const controller = new AbortController()
      const response = yield* Transport.fetchClient.execute(HttpClientRequest.get("https://api.test/x")).pipe(
        Effect.provideService(Transport.CurrentAttempt, attempt(controller.signal)),
        Effect.provide(server.layer)
      )
      assert.strictEqual(server.calls[0]!.init.signal, controller.signal)
      assert.strictEqual(yield* response.text, "{\"a\":1}")
      assert.deepStrictEqual(yield* response.json, { a: 1 })
      assert.strictEqual(new TextDecoder().decode(yield* response.arrayBuffer), "{\"a\":1}")
      const chunks = yield* Stream.runCollect(response.stream)
      assert.strictEqual(Chunk.toArray(chunks).map((c) => new TextDecoder().decode(c)).join(""), "{\"a\":1}")
      assert.strictEqual(response.headers["x-request-id"], "req-1")
      assert.strictEqual(response.status, 200)
    }))

  it.effect("a body without a declared length is handed over unread, capped", () =>
    Effect.gen(function*() {
      const server = fakeFetch(() => new Response("x".repeat(2048), { headers: { "content-type": "text/plain" } }))
      const response = yield* Transport.fetchClient.execute(HttpClientRequest.get("https://api.test/x")).pipe(
        Effect.provideService(Transport.CurrentAttempt, {
          signal: new AbortController().signal,
          maxResponseBytes: 1024
        }),
        Effect.provide(server.layer)
      )
      const error = yield* Effect.flip(response.text)
      assert.instanceOf(error.cause, Transport.BodyTooLarge)
    }))
})

describe("Transport.fetchClient outside an attempt", () => {
  it.effect("is a plain HttpClient: its own signal, aborted when the request is interrupted", () =>
    Effect.gen(function*() {
      let signal: AbortSignal | undefined
      const server = fakeFetch((call) => {
        signal = call.init.signal ?? undefined
        return new Promise<Response>(() => {})
      })
      const fiber = yield* Effect.fork(
        HttpClient.get("https://api.test/x").pipe(
          Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
          Effect.provide(server.layer)
        )
      )
      yield* Effect.yieldNow()
      assert.isDefined(signal)
      assert.isFalse(signal!.aborted)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(signal!.aborted)
    }))
})
