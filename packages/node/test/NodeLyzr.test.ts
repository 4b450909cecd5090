import { describe, expect, it } from "@effect/vitest"
import { AgentSessions, type AgentSessionsOptions } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Cause, ConfigError, Effect, Exit, Fiber, Layer, Option, Scope, Tracer } from "effect"
import { eventually, seedSession, sendJson, serve, testKey } from "./support.ts"

const agent = "agt_customer_support"
const session = "ase_customer_support_001"

/** The service over a real loopback socket to `url`, with no retries unless asked. */
const sessionsAt = (url: string, options: Partial<AgentSessionsOptions> = {}) =>
  Layer.orDie(NodeLyzr.layer({ apiKey: testKey, baseUrl: url, maxRetries: 0, ...options }))

const get = Effect.flatMap(AgentSessions, (sessions) => sessions.get(agent, session))
const list = Effect.flatMap(AgentSessions, (sessions) => sessions.list(agent))

describe("NodeLyzr.layer over loopback sockets", () => {
  it.scopedLive("get decodes the session and sends the key and accept headers", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const result = yield* get.pipe(Effect.provide(sessionsAt(server.url)))
      expect(result.id).toBe(session)
      expect(result.agent_id).toBe(agent)
      expect(result.metadata).toEqual(seedSession.metadata)
      expect(server.received).toHaveLength(1)
      expect(server.received[0]?.url).toBe(`/v2/agents/${agent}/sessions/${session}`)
      expect(server.received[0]?.headers["x-api-key"]).toBe(testKey)
      expect(server.received[0]?.headers["accept"]).toBe("application/json")
    }))

  it.scopedLive("list returns the IDs of the documented shape", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: ["ase_a", "ase_b"] }))
      const ids = yield* list.pipe(Effect.provide(sessionsAt(server.url)))
      expect(ids).toEqual(["ase_a", "ase_b"])
      expect(server.received[0]?.url).toBe(`/v1/agent/${agent}/sessions`)
    }))

  it.scopedLive("list returns the IDs of the live shape (a bare array of objects)", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) =>
        sendJson(res, 200, [
          { session_id: "ase_a", session_name: "one", user_id: "u1", created_at: "2024-01-15T10:30:00Z" },
          { session_id: "ase_b", session_name: "two", user_id: "u2", created_at: "2024-01-15T10:31:00Z" }
        ])
      )
      const ids = yield* list.pipe(Effect.provide(sessionsAt(server.url)))
      expect(ids).toEqual(["ase_a", "ase_b"])
    }))

  it.scopedLive("a chunked body without content-length is read in full", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        const text = JSON.stringify(seedSession)
        res.writeHead(200, { "content-type": "application/json" })
        res.write(text.slice(0, 40))
        setTimeout(() => res.end(text.slice(40)), 5)
      })
      const result = yield* get.pipe(Effect.provide(sessionsAt(server.url)))
      expect(result.description).toBe(seedSession.description)
    }))

  const errorCases: ReadonlyArray<{
    readonly tag: string
    readonly status: number
    readonly body: unknown
    readonly headers?: Record<string, string>
  }> = [
    { tag: "InvalidRequest", status: 400, body: { error: { code: "invalid_request", message: "bad id" } } },
    { tag: "Unauthorized", status: 401, body: { error: { code: "unauthorized", message: "no key" } } },
    { tag: "Forbidden", status: 403, body: { error: { code: "forbidden", message: "not yours" } } },
    { tag: "AgentNotFound", status: 404, body: { error: { code: "agent_not_found", message: "no agent" } } },
    { tag: "SessionNotFound", status: 404, body: { error: { code: "session_not_found", message: "no session" } } },
    {
      tag: "ValidationError",
      status: 422,
      body: { detail: [{ loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" }] }
    },
    {
      tag: "RateLimitExceeded",
      status: 429,
      body: { error: { code: "rate_limit_exceeded", message: "slow down" } },
      headers: { "retry-after": "7" }
    },
    { tag: "ServerError", status: 503, body: { detail: "maintenance" } },
    { tag: "UnexpectedResponse", status: 418, body: { detail: "teapot" } },
    { tag: "ResponseDecodeError", status: 200, body: { id: 42 } }
  ]

  for (const { body, headers, status, tag } of errorCases) {
    it.scopedLive(`a ${status} answer fails get with ${tag}, carrying status and request id`, () =>
      Effect.gen(function*() {
        const server = yield* serve((_req, res) => sendJson(res, status, body, headers))
        const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url))))
        expect(error._tag).toBe(tag)
        expect(error.status).toBe(status)
        expect(error.requestId).toBe("req_test_1")
        if (error._tag === "RateLimitExceeded") expect(error.retryAfter).toBeDefined()
        expect(String(error)).not.toContain(testKey)
        expect(JSON.stringify(error)).not.toContain(testKey)
      }))
  }

  it.scopedLive("an ID rejected before any request fails with InvalidRequest and sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const error = yield* Effect.flip(
        Effect.flatMap(AgentSessions, (sessions) => sessions.get("../etc", session)).pipe(
          Effect.provide(sessionsAt(server.url))
        )
      )
      expect(error._tag).toBe("InvalidRequest")
      expect(server.received).toHaveLength(0)
    }))

  it.scopedLive("a 429 with Retry-After: 0 is retried and the retry succeeds", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res, index) =>
        index === 1
          ? sendJson(res, 429, { error: { code: "rate_limit_exceeded", message: "slow down" } }, { "retry-after": "0" })
          : sendJson(res, 200, seedSession)
      )
      const result = yield* get.pipe(Effect.provide(sessionsAt(server.url, { maxRetries: 2 })))
      expect(result.id).toBe(session)
      expect(server.received).toHaveLength(2)
    }))

  it.scopedLive("a 503 with retry-after-ms is retried after the requested wait", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res, index) =>
        index === 1
          ? sendJson(res, 503, { detail: "busy" }, { "retry-after-ms": "30" })
          : sendJson(res, 200, seedSession)
      )
      const started = Date.now()
      yield* get.pipe(Effect.provide(sessionsAt(server.url, { maxRetries: 1 })))
      expect(server.received).toHaveLength(2)
      expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    }))

  it.scopedLive("a Retry-After past 60 s ends the retries at once with RateLimitExceeded carrying the wait", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) =>
        sendJson(res, 429, { error: { code: "rate_limit_exceeded", message: "credits" } }, { "retry-after": "120" })
      )
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url, { maxRetries: 2 }))))
      expect(error._tag).toBe("RateLimitExceeded")
      expect(server.received).toHaveLength(1)
    }))

  it.scopedLive("a connection reset fails with TransportError", () =>
    Effect.gen(function*() {
      const server = yield* serve((req) => req.socket.destroy())
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("TransportError")
      expect(String(error)).not.toContain(testKey)
    }))

  it.scopedLive("a connection reset is retried like any transport error", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res, index) =>
        index === 1 ? req.socket.destroy() : sendJson(res, 200, seedSession)
      )
      const result = yield* get.pipe(Effect.provide(sessionsAt(server.url, { maxRetries: 1 })))
      expect(result.id).toBe(session)
      expect(server.received).toHaveLength(2)
    }), 5000)

  it.scopedLive("a connection reset in the middle of the body fails with TransportError", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "500" })
        res.write("{\"id\":\"ase_")
        setTimeout(() => req.socket.destroy(), 5)
      })
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("TransportError")
    }))

  it.scopedLive("a server that never answers fails with RequestTimeout after the per-attempt timeout", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url, { timeout: "150 millis" }))))
      expect(error._tag).toBe("RequestTimeout")
      // the aborted request's socket is closed, not left hanging
      expect(yield* eventually(() => server.sockets.size === 0)).toBe(true)
    }))

  it.scopedLive("a body that stops halfway fails with RequestTimeout", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "500" })
        res.write("{\"id\":")
      })
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url, { timeout: "150 millis" }))))
      expect(error._tag).toBe("RequestTimeout")
    }))

  it.scopedLive("a cross-origin redirect is not followed: the other server gets no request and no key", () =>
    Effect.gen(function*() {
      const other = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const server = yield* serve((_req, res) => {
        res.writeHead(302, { location: `${other.url}/v2/agents/${agent}/sessions/${session}`, "content-length": "0" })
        res.end()
      })
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("UnexpectedResponse")
      expect(error.status).toBe(302)
      expect(other.received).toHaveLength(0)
      expect(JSON.stringify(error)).not.toContain(testKey)
    }))

  it.scopedLive("a same-origin redirect is followed with the key", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        if (req.url?.startsWith("/moved")) return sendJson(res, 200, seedSession)
        res.writeHead(307, { location: "/moved", "content-length": "0" })
        res.end()
      })
      const result = yield* get.pipe(Effect.provide(sessionsAt(server.url)))
      expect(result.id).toBe(session)
      expect(server.received.map((r) => r.url)).toEqual([`/v2/agents/${agent}/sessions/${session}`, "/moved"])
      expect(server.received[1]?.headers["x-api-key"]).toBe(testKey)
    }))

  it.scopedLive("a body over maxResponseBytes fails with UnexpectedResponse", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { ...seedSession, description: "x".repeat(4096) }))
      const error = yield* Effect.flip(get.pipe(Effect.provide(sessionsAt(server.url, { maxResponseBytes: 1024 }))))
      expect(error._tag).toBe("UnexpectedResponse")
    }))

  it.scopedLive("a declared body over maxResponseBytes is refused unread, and its socket closed at once", () =>
    Effect.gen(function*() {
      // Headers that promise 1 MiB, then nothing: waiting for the body (or for a GC) would hang the socket.
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": String(1024 * 1024) })
        res.write("{")
      })
      // The layer (and its pool) outlives the call: closing the pool would close the socket anyway.
      const context = yield* Layer.build(sessionsAt(server.url, { maxResponseBytes: 1024 }))
      const error = yield* Effect.flip(get.pipe(Effect.provide(context)))
      expect(error._tag).toBe("UnexpectedResponse")
      expect(yield* eventually(() => server.sockets.size === 0)).toBe(true)
    }))

  it.scopedLive("an interrupted get() cancels its request: the socket is closed", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const context = yield* Layer.build(sessionsAt(server.url))
      const fiber = yield* Effect.fork(get.pipe(Effect.provide(context)))
      expect(yield* eventually(() => server.received.length === 1)).toBe(true)
      yield* Fiber.interrupt(fiber)
      expect(yield* eventually(() => server.sockets.size === 0)).toBe(true)
    }))

  // undici may open a second connection while the first finishes its response; it reuses both after.
  it.scopedLive("sequential requests reuse keep-alive connections", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const sockets = new Set<unknown>()
      yield* Effect.gen(function*() {
        const sessions = yield* AgentSessions
        for (let i = 0; i < 10; i++) {
          yield* sessions.get(agent, session)
          for (const socket of server.sockets) sockets.add(socket)
        }
      }).pipe(Effect.provide(sessionsAt(server.url)))
      expect(server.received).toHaveLength(10)
      expect(sockets.size).toBeLessThanOrEqual(2)
    }))

  it.live("the pool's sockets are closed when the layer's scope closes", () =>
    Effect.gen(function*() {
      const serverScope = yield* Scope.make()
      const server = yield* Scope.extend(serve((_req, res) => sendJson(res, 200, seedSession)), serverScope)
      const layerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(sessionsAt(server.url), layerScope)
      yield* get.pipe(Effect.provide(context))
      expect(server.sockets.size).toBeGreaterThan(0) // kept alive
      yield* Scope.close(layerScope, Exit.void)
      expect(yield* eventually(() => server.sockets.size === 0, 1000)).toBe(true)
      yield* Scope.close(serverScope, Exit.void)
    }))

  it.scopedLive("with a tracer installed, a call that succeeds at once ends one span with its status", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, seedSession))
      const spans: Array<{ name: string; attributes: Map<string, unknown>; ended: boolean }> = []
      const tracer = Tracer.make({
        span: (name, parent, context, links, startTime, kind) => {
          const span = { name, attributes: new Map<string, unknown>(), ended: false }
          spans.push(span)
          return {
            _tag: "Span",
            name,
            spanId: `span${spans.length}`,
            traceId: "trace",
            parent,
            context,
            status: { _tag: "Started", startTime },
            attributes: span.attributes,
            links,
            sampled: true,
            kind,
            end: () => {
              span.ended = true
            },
            attribute: (key, value) => {
              span.attributes.set(key, value)
            },
            event: () => {},
            addLinks: () => {}
          }
        },
        context: (f) => f()
      })
      yield* get.pipe(Effect.provide(sessionsAt(server.url)), Effect.withTracer(tracer))
      expect(spans.map((span) => span.name)).toEqual(["AgentSessions.get"])
      expect(spans[0]!.ended).toBe(true)
      expect(spans[0]!.attributes.get("http.response.status_code")).toBe(200)
      expect(spans[0]!.attributes.get("lyzr.attempts")).toBe(1)
    }))

  it.scopedLive("with no tracer installed, a failed call still fails inside its span: Cause.pretty names it", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 404, { detail: "Session not found" }))
      const exit = yield* Effect.exit(get.pipe(Effect.provide(sessionsAt(server.url))))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        expect(Cause.failureOption(exit.cause).pipe(Option.map((error) => error._tag))).toEqual(
          Option.some("SessionNotFound")
        )
        expect(Cause.pretty(exit.cause)).toContain("at AgentSessions.get")
      }
    }))

  it.effect("a plain-http base URL on a non-loopback host fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(NodeLyzr.layer({ apiKey: testKey, baseUrl: "http://example.com" })).pipe(Effect.scoped)
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
    }))
})

describe("NodeLyzr.layerConfig", () => {
  const withEnv = <A, E, R>(env: Record<string, string | undefined>, effect: Effect.Effect<A, E, R>) =>
    Effect.acquireUseRelease(
      Effect.sync(() => {
        const saved: Record<string, string | undefined> = {}
        for (const [name, value] of Object.entries(env)) {
          saved[name] = process.env[name]
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
        return saved
      }),
      () => effect,
      (saved) =>
        Effect.sync(() => {
          for (const [name, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[name]
            else process.env[name] = value
          }
        })
    )

  it.scopedLive("reads LYZR_API_KEY and LYZR_BASE_URL from process.env", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => sendJson(res, 200, { sessions: ["ase_env"] }))
      const ids = yield* withEnv(
        { LYZR_API_KEY: testKey, LYZR_BASE_URL: server.url, LYZR_MAX_RETRIES: "0", LYZR_TIMEOUT: "5000" },
        list.pipe(Effect.provide(NodeLyzr.layerConfig))
      )
      expect(ids).toEqual(["ase_env"])
      expect(server.received[0]?.headers["x-api-key"]).toBe(testKey)
    }))

  it.effect("fails with a ConfigError when LYZR_API_KEY is not set", () =>
    Effect.gen(function*() {
      const error = yield* withEnv(
        { LYZR_API_KEY: undefined },
        Effect.flip(Layer.build(NodeLyzr.layerConfig).pipe(Effect.scoped))
      )
      expect(ConfigError.isConfigError(error)).toBe(true)
    }))
})
