/**
 * One span per call, ours: `AgentSessions.list` / `AgentSessions.get`, kind client, with the IDs, the method,
 * the path, the last status and the attempt count. Effect 4's own client span is turned off.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer } from "effect"
import { HttpClient } from "effect/http"
import { TestClock } from "effect/testing"
import { AgentSessions, type AgentSessionsService } from "../src/index.ts"
import { agent, fakeServer, json, recordingTracer, seedSession, session, testKey, text } from "./support.ts"

const traced = <A, E>(
  handler: Parameters<typeof fakeServer>[0],
  call: (s: AgentSessionsService) => Effect.Effect<A, E>,
  maxRetries = 0
) =>
  Effect.gen(function*() {
    const { spans, tracer } = recordingTracer()
    const server = fakeServer(handler)
    const layer = AgentSessions.layer({ apiKey: testKey, maxRetries }).pipe(Layer.provide(server.layer), Layer.orDie)
    const fiber = yield* Effect.flatMap(AgentSessions, call).pipe(
      Effect.provide(layer),
      Effect.withTracer(tracer),
      Effect.exit,
      Effect.forkChild
    )
    yield* TestClock.adjust("1 minute")
    const exit = yield* Fiber.join(fiber)
    return { exit, spans }
  })

describe("spans", () => {
  it.effect("get: one client span AgentSessions.get with the IDs, method, path and status", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* traced(() => json(200, seedSession), (s) => s.get(agent, session))
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(spans.map((span) => span.name), ["AgentSessions.get"])
      const span = spans[0]!
      assert.strictEqual(span.kind, "client")
      assert.deepStrictEqual(Object.fromEntries(span.attributes), {
        "lyzr.agent_id": agent,
        "lyzr.session_id": session,
        "http.request.method": "GET",
        "url.path": `/v2/agents/${agent}/sessions/${session}`,
        "lyzr.attempts": 1,
        "http.response.status_code": 200
      })
      assert.strictEqual(span.status._tag, "Ended")
    }))

  it.effect("list: AgentSessions.list; after two retries lyzr.attempts is 3 and the status the last one", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(
        (_, n) => (n < 3 ? text(503, "") : json(200, { sessions: [] })),
        (s) => s.list(agent),
        2
      )
      assert.deepStrictEqual(spans.map((span) => span.name), ["AgentSessions.list"])
      assert.strictEqual(spans[0]!.attributes.get("lyzr.attempts"), 3)
      assert.strictEqual(spans[0]!.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(spans[0]!.attributes.get("lyzr.agent_id"), agent)
    }))

  it.effect("a failed call ends its span with the failure", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(() => json(404, { detail: "session_not_found" }), (s) => s.get(agent, session))
      const status = spans[0]!.status
      assert.isTrue(status._tag === "Ended" && Exit.isFailure(status.exit))
      assert.strictEqual(spans[0]!.attributes.get("http.response.status_code"), 404)
    }))

  it.effect("an ID refused before any request still has its span, with lyzr.attempts 0", () =>
    Effect.gen(function*() {
      const { spans } = yield* traced(() => json(200, seedSession), (s) => s.get("nope", session))
      assert.deepStrictEqual(spans.map((span) => span.name), ["AgentSessions.get"])
      assert.strictEqual(spans[0]!.attributes.get("lyzr.attempts"), 0)
      assert.isFalse(spans[0]!.attributes.has("http.request.method"))
    }))

  it.effect("the span is the parent of what the client does (a transformClient's own span)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const server = fakeServer(() => json(200, { sessions: [] }))
      const layer = AgentSessions.layer({
        apiKey: testKey,
        transformClient: HttpClient.transform((effect) => Effect.withSpan(effect, "inner"))
      }).pipe(Layer.provide(server.layer), Layer.orDie)
      yield* Effect.flatMap(AgentSessions, (s) => s.list(agent)).pipe(Effect.provide(layer), Effect.withTracer(tracer))
      const outer = spans.find((span) => span.name === "AgentSessions.list")!
      const inner = spans.find((span) => span.name === "inner")!
      assert.isTrue(inner.parent._tag === "Some" && inner.parent.value.spanId === outer.spanId)
    }))
})
