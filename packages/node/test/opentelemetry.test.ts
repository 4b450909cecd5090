/**
 * A real tracer: NodeLyzr's spans exported through `@effect/opentelemetry` into the OpenTelemetry
 * SDK's `InMemorySpanExporter`, from real calls to the emulator's Node host over loopback. The
 * server echoes the API key back in a header and in the body of every answer (success, retry and
 * failure), and the key must reach none of the exported attributes, events or status messages.
 */
import * as Resource from "@effect/opentelemetry/Resource"
import * as Tracer from "@effect/opentelemetry/Tracer"
import { AgentSessions, type AgentSessionsError } from "@lyzr-effect/core"
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { NodeLyzr } from "@lyzr-effect/node"
import { SpanKind, SpanStatusCode } from "@opentelemetry/api"
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor
} from "@opentelemetry/sdk-trace-base"
import { Effect, Either, Layer } from "effect"
import { beforeAll, describe, expect, it } from "vitest"

const key = "sk-otel-echo-7f3a9c2e5b1d4068a9e3"
const agent = "agt_customer_support"
const session = "ase_customer_support_001"
const echo = { "x-echoed-api-key": key }

/** The fault rules, in the order of the calls below: each answer carries the key in a header and the body. */
const faults: ReadonlyArray<Emulator.FaultRule> = [
  // 1. list succeeds (the live shape, the key in a session name).
  {
    route: "list",
    times: 1,
    fault: {
      type: "status",
      status: 200,
      headers: echo,
      body: [{ session_id: session, session_name: `echo ${key}`, user_id: "u_1", created_at: "2024-01-15T10:30:00Z" }]
    }
  },
  // 2. get succeeds, the key in the session's metadata.
  {
    route: "get",
    sessionId: session,
    times: 1,
    fault: {
      type: "status",
      status: 200,
      headers: echo,
      body: {
        id: session,
        agent_id: agent,
        metadata: { echoed: key },
        enabled: true,
        created_at: "2024-01-15T10:30:00Z"
      }
    }
  },
  // 3. get is answered 503 (Retry-After: 0) once, then heals: retried.
  {
    route: "get",
    sessionId: "ase_customer_support_002",
    times: 1,
    fault: {
      type: "status",
      status: 503,
      headers: { ...echo, "retry-after": "0" },
      body: { detail: `overloaded while serving key ${key}` }
    }
  },
  // 4. get fails for good: 401, not retried.
  {
    route: "get",
    sessionId: "ase_customer_support_003",
    times: 1,
    fault: { type: "status", status: 401, headers: echo, body: { detail: `Invalid API key ${key}` } }
  },
  // 5. list fails after every retry: 500 three times (Retry-After: 0).
  {
    route: "list",
    agentId: "agt_sales_assistant",
    fault: {
      type: "status",
      status: 500,
      headers: { ...echo, "retry-after": "0" },
      body: { error: { code: "internal", message: `boom, key=${key}` } }
    }
  }
]

let spans: ReadonlyArray<ReadableSpan> = []
let emulator: Emulator.Emulator
let results: ReadonlyArray<Either.Either<unknown, AgentSessionsError>> = []

beforeAll(async () => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const otel = Tracer.layer.pipe(
    Layer.provide(Resource.layer({ serviceName: "lyzr-effect-node-test" })),
    Layer.provide(Layer.succeed(Tracer.OtelTracerProvider, provider))
  )
  const fixture = Emulator.defaultFixture()
  emulator = Emulator.make({ fixture: { ...fixture, keys: { [key]: "*" } }, faults })
  const server = await serveNode(emulator, { hostname: "127.0.0.1", port: 0 })
  try {
    const program = Effect.gen(function*() {
      const sessions = yield* AgentSessions
      const calls: ReadonlyArray<Effect.Effect<unknown, AgentSessionsError>> = [
        sessions.list(agent),
        sessions.get(agent, session),
        sessions.get(agent, "ase_customer_support_002"),
        sessions.get(agent, "ase_customer_support_003"),
        sessions.list("agt_sales_assistant")
      ]
      return yield* Effect.all(calls.map((call) => Effect.either(call)))
    })
    results = await program.pipe(
      Effect.provide(NodeLyzr.layer({ apiKey: key, baseUrl: server.url })),
      Effect.provide(otel),
      Effect.runPromise
    )
    await provider.forceFlush()
    spans = exporter.getFinishedSpans()
    await provider.shutdown()
  } finally {
    await server.close()
  }
}, 30_000)

describe("NodeLyzr spans through @effect/opentelemetry, over loopback", () => {
  it("the calls went over the wire as planned: three answers, a retry, a failure, a failure after retries", () => {
    expect(results.map((result) => Either.isRight(result) ? "ok" : result.left._tag)).toEqual([
      "ok",
      "ok",
      "ok",
      "Unauthorized",
      "ServerError"
    ])
    expect(emulator.requests.map((request) => `${request.route} ${request.status}`)).toEqual([
      "list 200",
      "get 200",
      "get 503",
      "get 200",
      "get 401",
      "list 500",
      "list 500",
      "list 500"
    ])
    expect(emulator.requests.every((request) => request.keyFingerprint === Emulator.fingerprint(key))).toBe(true)
    // The echo reached the client: the body's copy of the key is in the decoded session's metadata.
    expect(Either.getOrThrow(results[1]!)).toMatchObject({ metadata: { echoed: key } })
  })

  it("exports one client span per call, named AgentSessions.list / AgentSessions.get", () => {
    expect(spans.map((span) => span.name)).toEqual([
      "AgentSessions.list",
      "AgentSessions.get",
      "AgentSessions.get",
      "AgentSessions.get",
      "AgentSessions.list"
    ])
    for (const span of spans) expect(span.kind).toBe(SpanKind.CLIENT)
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(spans.length)
  })

  it("records the agent and session IDs, method, path, status and attempts as attributes", () => {
    const get = (sessionId: string) => ({
      "lyzr.agent_id": agent,
      "lyzr.session_id": sessionId,
      "http.request.method": "GET",
      "url.path": `/v2/agents/${agent}/sessions/${sessionId}`
    })
    expect(spans.map((span) => span.attributes)).toMatchObject([
      {
        "lyzr.agent_id": agent,
        "http.request.method": "GET",
        "url.path": `/v1/agent/${agent}/sessions`,
        "http.response.status_code": 200,
        "lyzr.attempts": 1
      },
      { ...get(session), "http.response.status_code": 200, "lyzr.attempts": 1 },
      { ...get("ase_customer_support_002"), "http.response.status_code": 200, "lyzr.attempts": 2 },
      { ...get("ase_customer_support_003"), "http.response.status_code": 401, "lyzr.attempts": 1 },
      {
        "lyzr.agent_id": "agt_sales_assistant",
        "url.path": "/v1/agent/agt_sales_assistant/sessions",
        "http.response.status_code": 500,
        "lyzr.attempts": 3
      }
    ])
    expect(spans[0]!.attributes).not.toHaveProperty("lyzr.session_id")
  })

  it("marks the failed calls as errors, with the error's tag in an exception event", () => {
    expect(spans.map((span) => span.status.code)).toEqual([
      SpanStatusCode.OK,
      SpanStatusCode.OK,
      SpanStatusCode.OK,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR
    ])
    // One exception event per failed call; its stack trace names the error class. (OpenTelemetry's
    // `exception.type` is the error's `code` when it has one: the documented code from the body.)
    const exceptions = spans.map((span) =>
      span.events.filter((event) => event.name === "exception").map((event) => ({
        type: event.attributes?.["exception.type"],
        error: String(event.attributes?.["exception.stacktrace"]).split(":")[0]
      }))
    )
    expect(exceptions).toEqual([[], [], [], [{ type: "Unauthorized", error: "Unauthorized" }], [{
      type: "internal",
      error: "ServerError"
    }]])
    expect(spans[3]!.status.message).toContain("Invalid API key")
  })

  it("carries the key, echoed in every answer's headers and body, in no attribute, event or status", () => {
    const exported = spans.map((span) =>
      JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
        links: span.links,
        resource: span.resource.attributes
      })
    )
    expect(exported).toHaveLength(5)
    for (const text of exported) {
      expect(text).not.toContain(key)
      expect(text).not.toContain(encodeURIComponent(key))
    }
    // What the key's place shows instead, where the server's text is kept.
    expect(spans[3]!.status.message).toContain("<redacted>")
  })
})
