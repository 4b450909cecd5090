import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, TestClock } from "effect"
import type { AgentSessions } from "../src/index.ts"
import { json, recordingTracer, run, seedSession, start, testKey, text } from "./support.ts"
import type { RecordedSpan } from "./support.ts"

type Service = AgentSessions["Type"]
const get = (s: Service) => s.get("agt_customer_support", "ase_customer_support_001")
const list = (s: Service) => s.list("agent-1")

const only = (spans: ReadonlyArray<RecordedSpan>, name: string) => {
  const found = spans.filter((span) => span.name === name)
  assert.strictEqual(found.length, 1, `one ${name} span in ${spans.map((s) => s.name).join(", ")}`)
  return found[0]!
}

describe("spans", () => {
  it.effect("get runs in the client span AgentSessions.get with the agent and session IDs", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(200, seedSession), get).pipe(Effect.withTracer(tracer))
      const span = only(spans, "AgentSessions.get")
      assert.strictEqual(span.kind, "client")
      assert.strictEqual(span.attributes.get("lyzr.agent_id"), "agt_customer_support")
      assert.strictEqual(span.attributes.get("lyzr.session_id"), "ase_customer_support_001")
      assert.strictEqual(span.attributes.get("lyzr.attempts"), 1)
      assert.isTrue(span.exit !== undefined && Exit.isSuccess(span.exit))
    }))

  it.effect("list runs in the client span AgentSessions.list with the agent ID", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(200, { sessions: [] }), list).pipe(Effect.withTracer(tracer))
      const span = only(spans, "AgentSessions.list")
      assert.strictEqual(span.kind, "client")
      assert.strictEqual(span.attributes.get("lyzr.agent_id"), "agent-1")
      assert.isFalse(span.attributes.has("lyzr.session_id"))
      assert.strictEqual(span.attributes.get("lyzr.attempts"), 1)
    }))

  it.effect("lyzr.attempts counts the retries", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { fiber } = yield* start((_, n) => (n < 3 ? text(503, "") : json(200, { sessions: [] })), list).pipe(
        Effect.withTracer(tracer)
      )
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual(only(spans, "AgentSessions.list").attributes.get("lyzr.attempts"), 3)
    }))

  it.effect("a failed call ends its span with the failure", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(404, { code: "session_not_found" }), get).pipe(Effect.withTracer(tracer))
      const span = only(spans, "AgentSessions.get")
      assert.isTrue(span.exit !== undefined && Exit.isFailure(span.exit))
      assert.strictEqual(span.attributes.get("lyzr.attempts"), 1)
    }))

  it.effect("an ID rejected before any request still gets a span, with 0 attempts", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(200, seedSession), (s) => s.get("customer_support", "ase_1")).pipe(
        Effect.withTracer(tracer)
      )
      const span = only(spans, "AgentSessions.get")
      assert.strictEqual(span.attributes.get("lyzr.attempts"), 0)
      assert.strictEqual(span.attributes.get("lyzr.agent_id"), "customer_support")
      assert.isTrue(span.exit !== undefined && Exit.isFailure(span.exit))
    }))

  it.effect("the call's span is the only one: no platform HTTP span that would record headers", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(200, seedSession, { "x-echo": testKey }), get).pipe(Effect.withTracer(tracer))
      assert.deepStrictEqual(spans.map((span) => span.name), ["AgentSessions.get"])
    }))

  it.effect("the call's span carries the HTTP method, path and response status", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* run(() => json(200, seedSession), get).pipe(Effect.withTracer(tracer))
      const span = only(spans, "AgentSessions.get")
      assert.strictEqual(span.attributes.get("http.request.method"), "GET")
      assert.strictEqual(
        span.attributes.get("url.path"),
        "/v2/agents/agt_customer_support/sessions/ase_customer_support_001"
      )
      assert.strictEqual(span.attributes.get("http.response.status_code"), 200)
    }))

  it.effect("no span attribute or event anywhere holds the key (success, retries, failure)", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const handler = (_: Request, n: number) =>
        n === 1
          ? text(503, `busy ${testKey}`)
          : n === 2
          ? json(401, { detail: `bad key ${testKey}` })
          : json(200, seedSession)
      const { fiber } = yield* start(handler, get).pipe(Effect.withTracer(tracer))
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(fiber)
      yield* run(() => json(200, seedSession), get).pipe(Effect.withTracer(tracer))
      assert.strictEqual(spans.length, 2) // one span per call
      for (const span of spans) {
        for (const [key, value] of span.attributes) assert.notInclude(String(value), testKey, `${span.name} ${key}`)
        for (const [name, attributes] of span.events) {
          assert.notInclude(JSON.stringify(attributes), testKey, `${span.name} ${name}`)
        }
        if (span.exit !== undefined && Exit.isFailure(span.exit)) assert.notInclude(String(span.exit.cause), testKey)
      }
    }))
})
