/**
 * NodeLyzr's undici client over real loopback sockets, against a raw node:http server: what goes on the
 * wire, keep-alive, redirects, resets, a hang ended by the transport's deadline, the pool closed with the
 * layer's scope, and layerConfig reading process.env.
 */
import { assert, describe, it } from "@effect/vitest"
import { AgentSessions, type AgentSessionsOptions, type AgentSessionsService } from "@lyzr-effect/effect4-core"
import { NodeLyzr } from "@lyzr-effect/effect4-node"
import { Cause, ConfigProvider, Effect, Exit, Fiber, Layer, Option, Scope, Stream, Tracer } from "effect"
import { HttpClient } from "effect/http"
import { eventually, seedSession, sendJson, serve, testKey } from "./support.ts"

const agent = "agt_customer_support"
const session = "ase_customer_support_001"
const get = (s: AgentSessionsService) => s.get(agent, session)
const list = (s: AgentSessionsService) => s.list(agent)

const call = <A, E>(
  url: string,
  f: (s: AgentSessionsService) => Effect.Effect<A, E>,
  options: Partial<AgentSessionsOptions> = {}
) =>
  Effect.flatMap(AgentSessions, f).pipe(
    Effect.provide(Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: url, maxRetries: 0, ...options })))
  )

/** Sets process.env for the scope, then puts back what was there. */
const withEnv = (env: Record<string, string | undefined>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const before: Record<string, string | undefined> = {}
      for (const [name, value] of Object.entries(env)) {
        before[name] = process.env[name]
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      return before
    }),
    (before) =>
      Effect.sync(() => {
        for (const [name, value] of Object.entries(before)) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      })
  )

const noLyzrEnv = {
  LYZR_API_KEY: undefined,
  LYZR_BASE_URL: undefined,
  LYZR_TIMEOUT: undefined,
  LYZR_MAX_RETRIES: undefined,
  LYZR_ALLOW_INSECURE_HTTP: undefined
}

describe("NodeLyzr.layer over loopback", () => {
  it.live("get sends GET with the key and accept headers, and no trace headers", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const result = yield* call(server.url, get)
      assert.strictEqual(result.id, session)
      const [received] = server.received
      assert.strictEqual(received!.method, "GET")
      assert.strictEqual(received!.url, `/v2/agents/${agent}/sessions/${session}`)
      assert.strictEqual(received!.headers["x-api-key"], testKey)
      assert.strictEqual(received!.headers.accept, "application/json")
      assert.isUndefined(received!.headers.traceparent)
    }))

  // undici may open a second connection while the first finishes its response; it reuses both after.
  it.live("ten calls in a row through one layer go over at most two keep-alive connections", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: ["ase_1"] }))
      yield* Effect.flatMap(AgentSessions, (s) => Effect.repeat(list(s), { times: 9 })).pipe(
        Effect.provide(Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: server.url })))
      )
      assert.strictEqual(server.received.length, 10)
      assert.isAtMost(new Set(server.received.map((r) => r.remotePort)).size, 2)
    }))

  it.live("a redirect to another origin is refused; the other server never sees the key", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_req, res) => sendJson(res, 200, { sessions: [] }))
      const server = yield* serve((_req, res) => {
        res.writeHead(302, { location: `${elsewhere.url}/v1/agent/${agent}/sessions`, "content-length": 0 })
        res.end()
      })
      const error = yield* Effect.flip(call(server.url, list))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 302)
      assert.include(error.message, "another origin")
      assert.strictEqual(elsewhere.received.length, 0)
    }))

  it.live("a same-origin redirect is followed", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        if (req.url!.startsWith("/v1/agent/old")) {
          res.writeHead(307, { location: `/v1/agent/${agent}/sessions`, "content-length": 0 })
          res.end()
        } else sendJson(res, 200, { sessions: ["ase_1"] })
      })
      const ids = yield* call(server.url, (s) => s.list("old"))
      assert.deepStrictEqual(ids, ["ase_1"])
      assert.strictEqual(server.received[1]!.headers["x-api-key"], testKey)
    }))

  it.live("a connection reset before the answer is a TransportError", () =>
    Effect.gen(function*() {
      const server = yield* serve((req) => req.socket.destroy())
      const error = yield* Effect.flip(call(server.url, get))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, server.url.slice("http://".length))
    }))

  it.live("a body shorter than its content-length is a TransportError about the body", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": 1000 })
        res.write("{\"sessions\":[")
        setTimeout(() => res.socket?.destroy(), 20)
      })
      const error = yield* Effect.flip(call(server.url, list))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "broke while reading the response body")
    }))

  it.live("a declared length over the cap fails before reading", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-length": 10_000 })
        res.end(" ".repeat(10_000))
      })
      const error = yield* Effect.flip(call(server.url, list, { maxResponseBytes: 1000 }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "declares 10000 bytes")
    }))

  it.live("a chunked body with no length stops at the cap: UnexpectedResponse, the rest unread", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        for (let i = 0; i < 20; i++) res.write(" ".repeat(500))
        res.end("{}")
      })
      const error = yield* Effect.flip(call(server.url, list, { maxResponseBytes: 1000 }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "passed the 1000-byte cap (maxResponseBytes); reading stopped")
    }))

  it.live("a body in many chunks is read whole, and a leading UTF-8 BOM is dropped as body.text() drops it", () =>
    Effect.gen(function*() {
      const text = JSON.stringify({ ...seedSession, description: "é".repeat(3000) })
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")])
        // Cut inside a two-byte character too: the text is decoded from the whole body.
        for (let at = 0; at < bytes.length; at += 999) res.write(bytes.subarray(at, at + 999))
        res.end()
      })
      const result = yield* call(server.url, get)
      assert.strictEqual(result.description, "é".repeat(3000))
    }))

  it.live("a transformClient reads the attempt's body, read ahead, as a stream and as bytes; the call still decodes it", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const seen: Array<number> = []
      const result = yield* call(server.url, get, {
        transformClient: HttpClient.transformResponse(
          Effect.tap((response) =>
            Effect.zip(Stream.runCollect(response.stream), response.arrayBuffer).pipe(
              Effect.map(([chunks, bytes]) => {
                seen.push(chunks.reduce((total, chunk) => total + chunk.length, 0), bytes.byteLength)
              }),
              Effect.orDie
            )
          )
        )
      })
      assert.strictEqual(result.id, session)
      const length = Buffer.byteLength(JSON.stringify(seedSession))
      assert.deepStrictEqual(seen, [length, length])
    }))

  it.live("an informational 103 before the answer is passed over: the 200 that follows is the result", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" })
        sendJson(res, 200, seedSession)
      })
      const result = yield* call(server.url, get)
      assert.strictEqual(result.id, session)
    }))

  it.live("a server that never answers: RequestTimeout at the deadline, and the socket is given up", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      // The pool outlives the call (closing it would close every socket anyway).
      const context = yield* Layer.build(
        Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: server.url, maxRetries: 0, timeout: "200 millis" }))
      )
      const error = yield* Effect.flip(Effect.flatMap(AgentSessions, get).pipe(Effect.provideContext(context)))
      assert.strictEqual(error._tag, "RequestTimeout")
      assert.isTrue(yield* eventually(() => server.sockets.size === 0), "the aborted request closed its connection")
    }))

  it.live("interrupting a call gives its connection up (the attempt's signal aborts)", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      // The pool outlives the call (closing it would close every socket anyway).
      const context = yield* Layer.build(
        Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: server.url, maxRetries: 0 }))
      )
      const fiber = yield* Effect.flatMap(AgentSessions, get).pipe(Effect.provideContext(context), Effect.forkChild)
      assert.isTrue(yield* eventually(() => server.received.length === 1))
      yield* Fiber.interrupt(fiber)
      assert.isTrue(yield* eventually(() => server.sockets.size === 0), "the interrupted request closed its connection")
    }))

  it.live("a hang after the headers (a stalled body) also ends at the deadline", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.write("{\"sessions\":[")
      })
      const error = yield* Effect.flip(call(server.url, list, { timeout: "200 millis" }))
      assert.strictEqual(error._tag, "RequestTimeout")
    }))

  it.live("the pool is closed with the layer's scope: no socket stays open", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: [] }))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: server.url })),
        scope
      )
      yield* Effect.flatMap(AgentSessions, list).pipe(Effect.provideContext(context))
      assert.isAbove(server.sockets.size, 0, "a kept-alive connection while the layer lives")
      yield* Scope.close(scope, Exit.void)
      assert.isTrue(yield* eventually(() => server.sockets.size === 0), "closing the scope destroys the pool")
    }))

  it.live("with a tracer installed, a call that succeeds at once ends one span with its status", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const spans: Array<Tracer.NativeSpan> = []
      const tracer = Tracer.make({
        span: (options) => {
          const span = new Tracer.NativeSpan(options)
          spans.push(span)
          return span
        }
      })
      const result = yield* call(server.url, get).pipe(Effect.withTracer(tracer))
      assert.strictEqual(result.id, session)
      assert.deepStrictEqual(spans.map((span) => span.name), ["AgentSessions.get"])
      assert.strictEqual(spans[0]!.status._tag, "Ended")
      assert.strictEqual(spans[0]!.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(spans[0]!.attributes.get("lyzr.attempts"), 1)
      assert.strictEqual(spans[0]!.attributes.get("lyzr.session_id"), session)
    }))

  it.live("with no tracer installed, a failed call still fails inside its span: Cause.pretty names it", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 404, { detail: "Session not found" }))
      const exit = yield* Effect.exit(call(server.url, get))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        assert.deepStrictEqual(
          Cause.findErrorOption(exit.cause).pipe(Option.map((error) => error._tag)),
          Option.some("SessionNotFound")
        )
        assert.include(Cause.pretty(exit.cause), "at AgentSessions.get")
      }
    }))
})

describe("NodeLyzr.layerHttpClient outside the service", () => {
  it.live("is an Effect HttpClient like any other: the platform's client span, a body read on demand", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { ok: true }))
      const spans: Array<string> = []
      const tracer = Tracer.make({
        span: (options) => {
          spans.push(options.name)
          return new Tracer.NativeSpan(options)
        }
      })
      const body = yield* HttpClient.get(`${server.url}/health?x=1`).pipe(
        Effect.flatMap((response) => response.json),
        Effect.provide(NodeLyzr.layerHttpClient),
        Effect.withTracer(tracer)
      )
      assert.deepStrictEqual(body, { ok: true })
      assert.deepStrictEqual(spans, ["GET"])
      assert.strictEqual(server.received[0]!.url, "/health?x=1")
      assert.isString(server.received[0]!.headers.traceparent)
    }))

  it.live("interrupting a request gives its connection up", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const fiber = yield* HttpClient.get(`${server.url}/slow`).pipe(
        Effect.provide(NodeLyzr.layerHttpClient),
        Effect.forkChild
      )
      assert.isTrue(yield* eventually(() => server.received.length === 1))
      yield* Fiber.interrupt(fiber)
      assert.isTrue(yield* eventually(() => server.sockets.size === 0), "the aborted request closed its connection")
    }))
})

describe("NodeLyzr.layerConfig", () => {
  it.live("reads the LYZR_* variables of process.env when built", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: ["ase_1"] }))
      yield* withEnv({ ...noLyzrEnv, LYZR_API_KEY: testKey, LYZR_BASE_URL: server.url, LYZR_MAX_RETRIES: "0" })
      const ids = yield* Effect.flatMap(AgentSessions, list).pipe(Effect.provide(NodeLyzr.layerConfig))
      assert.deepStrictEqual(ids, ["ase_1"])
      assert.strictEqual(server.received[0]!.headers["x-api-key"], testKey)
    }))

  it.live("a missing key or an empty base URL fails naming the variable", () =>
    Effect.gen(function*() {
      yield* withEnv(noLyzrEnv)
      const missing = yield* Effect.flip(Layer.build(NodeLyzr.layerConfig))
      assert.include(missing.message, "LYZR_API_KEY: is not set")
      yield* withEnv({ LYZR_API_KEY: testKey, LYZR_BASE_URL: "" })
      const empty = yield* Effect.flip(Layer.build(NodeLyzr.layerConfig))
      assert.include(empty.message, "LYZR_BASE_URL: \"\" is not a valid URL")
      assert.notInclude(empty.message, testKey)
    }))

  it.live("a ConfigProvider the program provides is used instead of process.env", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: ["ase_2"] }))
      yield* withEnv({ ...noLyzrEnv, LYZR_API_KEY: "from-process-env", LYZR_BASE_URL: "http://127.0.0.1:1" })
      const provider = ConfigProvider.fromEnvRecord({ LYZR_API_KEY: testKey, LYZR_BASE_URL: server.url })
      const ids = yield* Effect.flatMap(AgentSessions, list).pipe(
        Effect.provide(NodeLyzr.layerConfig.pipe(Layer.provide(ConfigProvider.layer(provider))))
      )
      assert.deepStrictEqual(ids, ["ase_2"])
      assert.strictEqual(server.received[0]!.headers["x-api-key"], testKey)
    }))
})
