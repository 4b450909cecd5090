/**
 * `Transport.fetchClient` / `Transport.layerFetch`: Effect 4's `HttpClient.make` over the `fetch` in the fiber's
 * context (`FetchHttpClient.Fetch`), with `FetchHttpClient.RequestInit`, never following redirects itself,
 * aborting with the attempt's signal and capping the body.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer } from "effect"
import { FetchHttpClient, HttpClient } from "effect/http"
import { AgentSessions, Transport } from "../src/index.ts"
import { agent, json, seedSession, session, testKey } from "./support.ts"

interface Call {
  readonly url: string
  readonly init: RequestInit
}

/** A `fetch` answering from memory, recording each call. */
const memoryFetch = (answer: (url: string, init: RequestInit) => Response | Promise<Response>) => {
  const calls: Array<Call> = []
  const fetch = ((input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(input), init })
    return Promise.resolve(answer(String(input), init))
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

const service = (fetch: typeof globalThis.fetch, options: { readonly maxResponseBytes?: number } = {}) =>
  AgentSessions.layer({ apiKey: testKey, maxRetries: 0, ...options }).pipe(
    Layer.provide(Transport.layerFetch),
    Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetch)),
    Layer.orDie
  )

describe("Transport.fetchClient", () => {
  it.effect("reads Fetch and RequestInit from the fiber's context; redirect stays manual", () =>
    Effect.gen(function*() {
      const { calls, fetch } = memoryFetch(() => new Response("ok"))
      const response = yield* HttpClient.get("http://127.0.0.1:1/x").pipe(
        Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow", credentials: "omit" })
      )
      assert.strictEqual(response.status, 200)
      assert.strictEqual(calls.length, 1)
      assert.strictEqual(calls[0]!.init.redirect, "manual")
      assert.strictEqual(calls[0]!.init.credentials, "omit")
      assert.instanceOf(calls[0]!.init.signal, AbortSignal)
    }))

  it.effect("with a CurrentAttempt, its signal aborts the fetch and the body is capped", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      const { calls, fetch } = memoryFetch(() => new Response(new Uint8Array(100)))
      const error = yield* HttpClient.get("http://127.0.0.1:1/x").pipe(
        Effect.flatMap((response) => response.arrayBuffer),
        Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.provideService(Transport.CurrentAttempt, { signal: controller.signal, maxResponseBytes: 64 }),
        Effect.flip
      )
      assert.instanceOf(error.reason.cause, Transport.BodyTooLarge)
      controller.abort()
      assert.isTrue(calls[0]!.init.signal!.aborted, "the attempt's deadline reaches the fetch")
    }))

  it.effect("under an attempt with the client span off (as core runs it), the fetch gets the attempt's own signal", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      const { calls, fetch } = memoryFetch(() => new Response("ok"))
      yield* HttpClient.get("http://127.0.0.1:1/x").pipe(
        Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
        Effect.provideService(HttpClient.TracerDisabledWhen, () => true),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.provideService(Transport.CurrentAttempt, { signal: controller.signal, maxResponseBytes: 64 })
      )
      // The short path of Transport.makeClient: no AbortController of the client's own in between.
      assert.strictEqual(calls[0]!.init.signal, controller.signal)
    }))

  it.effect("a fetch that throws is an HttpClientError with a TransportError reason", () =>
    Effect.gen(function*() {
      const fetch = (() => Promise.reject(new TypeError("fetch failed"))) as typeof globalThis.fetch
      const error = yield* HttpClient.get("http://127.0.0.1:1/x").pipe(
        Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.flip
      )
      assert.strictEqual(error._tag, "HttpClientError")
      assert.strictEqual(error.reason._tag, "TransportError")
    }))
})

describe("Transport.layerFetch", () => {
  it.effect("with nothing provided to it, its client is fetchClient itself (whose send core takes)", () =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient.pipe(Effect.provide(Transport.layerFetch))
      assert.strictEqual(client, Transport.fetchClient)
    }))

  it.effect("a Fetch provided to the layer reaches its requests; one provided where a request runs wins", () =>
    Effect.gen(function*() {
      const built = memoryFetch(() => new Response("built"))
      const running = memoryFetch(() => new Response("running"))
      const client = yield* HttpClient.HttpClient.pipe(
        Effect.provide(Transport.layerFetch.pipe(Layer.provide(Layer.succeed(FetchHttpClient.Fetch, built.fetch))))
      )
      assert.notStrictEqual(client, Transport.fetchClient)
      const first = yield* Effect.flatMap(client.get("http://127.0.0.1:1/x"), (response) => response.text)
      const second = yield* Effect.flatMap(client.get("http://127.0.0.1:1/y"), (response) => response.text).pipe(
        Effect.provideService(FetchHttpClient.Fetch, running.fetch)
      )
      assert.deepStrictEqual([first, second], ["built", "running"])
      assert.deepStrictEqual([built.calls.length, running.calls.length], [1, 1])
    }))
})

describe("AgentSessions on Transport.layerFetch", () => {
  it.effect("get works end to end, with a CurrentAttempt on each fetch", () =>
    Effect.gen(function*() {
      const { calls, fetch } = memoryFetch(() => json(200, seedSession))
      const exit = yield* Effect.flatMap(AgentSessions, (s) => s.get(agent, session)).pipe(
        Effect.provide(service(fetch)),
        Effect.exit
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(new Headers(calls[0]!.init.headers as HeadersInit).get("x-api-key"), testKey)
      assert.isFalse(calls[0]!.init.signal!.aborted)
    }))

  it.effect("a body past maxResponseBytes without a declared length is cut: UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { fetch } = memoryFetch(() =>
        new Response(new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array(5000).fill(32)), c.close()) }))
      )
      const error = yield* Effect.flatMap(AgentSessions, (s) => s.list(agent)).pipe(
        Effect.provide(service(fetch, { maxResponseBytes: 1024 })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "passed the 1024-byte cap")
    }))

  it.effect("a 302 to another origin comes back to the service and is refused", () =>
    Effect.gen(function*() {
      const { calls, fetch } = memoryFetch(() =>
        new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } })
      )
      const error = yield* Effect.flatMap(AgentSessions, (s) => s.list(agent)).pipe(
        Effect.provide(service(fetch)),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(calls.length, 1)
    }))
})

describe("AgentSessions on Transport.fetchClient given as a value (its promise send)", () => {
  const direct = (init: RequestInit = {}) =>
    Layer.effect(AgentSessions, AgentSessions.make({ apiKey: testKey, maxRetries: 0 })).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, Transport.fetchClient)),
      Layer.provide(Layer.succeed(Transport.HonoursAttempt, true)),
      Layer.provide(Layer.succeed(FetchHttpClient.RequestInit, init)),
      Layer.orDie
    )

  /** A JSON response with its declared length, recording how its body is read. */
  const declared = (status: number, body: unknown, reads: Array<string>) => {
    const text = JSON.stringify(body)
    const response = json(status, body, { "content-length": String(new TextEncoder().encode(text).byteLength) })
    const read = response.text.bind(response)
    response.text = () => (reads.push("text"), read())
    const bytes = response.arrayBuffer.bind(response)
    response.arrayBuffer = () => (reads.push("arrayBuffer"), bytes())
    return response
  }

  it.effect("get decodes a body read ahead; the layer's RequestInit reaches fetch with redirect: manual", () =>
    Effect.gen(function*() {
      const reads: Array<string> = []
      const { calls, fetch } = memoryFetch(() => declared(200, seedSession, reads))
      const result = yield* Effect.flatMap(AgentSessions, (s) => s.get(agent, session)).pipe(
        Effect.provide(direct({ credentials: "omit", redirect: "follow" })),
        Effect.provideService(FetchHttpClient.Fetch, fetch)
      )
      assert.strictEqual(result.id, session)
      assert.deepStrictEqual(reads, ["text"], "a declared length within the cap: read as text before it is handed over")
      assert.strictEqual(calls.length, 1)
      assert.strictEqual(calls[0]!.init.redirect, "manual")
      assert.strictEqual(calls[0]!.init.credentials, "omit")
      assert.isFalse(calls[0]!.init.signal!.aborted, "a call that succeeded leaves its signal alone")
    }))

  it.effect("a 404 read ahead is classified from its body; a 200 that is not a session is a ResponseDecodeError", () =>
    Effect.gen(function*() {
      const reads: Array<string> = []
      const notFound = memoryFetch(() => declared(404, { detail: "session_not_found" }, reads))
      const error = yield* Effect.flatMap(AgentSessions, (s) => s.get(agent, session)).pipe(
        Effect.provide(direct()),
        Effect.provideService(FetchHttpClient.Fetch, notFound.fetch),
        Effect.flip
      )
      assert.strictEqual(error._tag, "SessionNotFound")
      assert.deepStrictEqual(reads, ["text"])
      assert.isTrue(notFound.calls[0]!.init.signal!.aborted, "a failed attempt aborts its signal")
      const wrong = memoryFetch(() => declared(200, { id: 1 }, []))
      const decodeError = yield* Effect.flatMap(AgentSessions, (s) => s.get(agent, session)).pipe(
        Effect.provide(direct()),
        Effect.provideService(FetchHttpClient.Fetch, wrong.fetch),
        Effect.flip
      )
      assert.strictEqual(decodeError._tag, "ResponseDecodeError")
    }))

  it.effect("a fetch that never settles is interrupted: the attempt's signal aborts", () =>
    Effect.gen(function*() {
      const { calls, fetch } = memoryFetch(() => new Promise<Response>(() => {}))
      const fiber = yield* Effect.flatMap(AgentSessions, (s) => s.get(agent, session)).pipe(
        Effect.provide(direct()),
        Effect.provideService(FetchHttpClient.Fetch, fetch),
        Effect.forkChild
      )
      yield* Effect.yieldNow
      yield* Effect.yieldNow
      assert.strictEqual(calls.length, 1)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(calls[0]!.init.signal!.aborted)
    }))
})
