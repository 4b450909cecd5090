/**
 * Every status and documented code → its tagged error (Effect 4 `Schema.TaggedError` classes built from
 * the wire's record), decode failures that say why, transport failures, and the error classes themselves.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Schema } from "effect"
import {
  AgentSessionsError,
  type AgentSessionsService,
  RequestTimeout,
  ServerError,
  SessionNotFound,
  TransportError,
  ValidationError,
  ValidationIssue
} from "../src/index.ts"
import { agent, failureOf, json, run, session, text } from "./support.ts"

const get = (s: AgentSessionsService) => s.get(agent, session)
const list = (s: AgentSessionsService) => s.list(agent)

describe("status and code → tag", () => {
  const cases: ReadonlyArray<[string, () => Response, "get" | "list", string]> = [
    ["400", () => json(400, { detail: "bad" }), "get", "InvalidRequest"],
    [
      "400 invalid_request",
      () => json(400, { error: { code: "invalid_request", message: "no" } }),
      "get",
      "InvalidRequest"
    ],
    ["401", () => json(401, { detail: "Invalid API key" }), "get", "Unauthorized"],
    ["403", () => json(403, { detail: "nope" }), "get", "Forbidden"],
    ["404 agent_not_found on get", () => json(404, { detail: "agent_not_found" }), "get", "AgentNotFound"],
    ["404 session_not_found on get", () => json(404, { detail: "session_not_found" }), "get", "SessionNotFound"],
    ["404 without a code on get", () => text(404, "Not Found"), "get", "SessionNotFound"],
    ["404 without a code on list", () => text(404, "Not Found"), "list", "AgentNotFound"],
    [
      "422",
      () => json(422, { detail: [{ loc: ["path", "agent_id"], msg: "bad id", type: "value_error" }] }),
      "list",
      "ValidationError"
    ],
    ["429", () => json(429, { detail: "rate_limit_exceeded" }), "get", "RateLimitExceeded"],
    ["500", () => text(500, "boom"), "get", "ServerError"],
    ["503 HTML", () => text(503, "<html>down</html>", { "content-type": "text/html" }), "list", "ServerError"],
    ["418", () => text(418, "teapot"), "get", "UnexpectedResponse"],
    ["200 not JSON", () => text(200, "<html>"), "list", "ResponseDecodeError"],
    ["200 wrong shape", () => json(200, { id: 1 }), "get", "ResponseDecodeError"]
  ]
  for (const [name, response, call, tag] of cases) {
    it.effect(`${name} → ${tag}`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run<unknown, AgentSessionsError>(response, call === "get" ? get : list)
        assert.strictEqual(failureOf(exit)._tag, tag)
      }))
  }
})

describe("what an error carries", () => {
  it.effect("status, code, message from the body, request id, excerpt and URL", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          json(404, { error: { code: "session_not_found", message: "no such session" } }, { "x-request-id": "req_9" }),
        get
      )
      const error = failureOf(exit)
      assert.instanceOf(error, SessionNotFound)
      assert.strictEqual(error.status, 404)
      assert.strictEqual(error.code, "session_not_found")
      assert.strictEqual(error.message, "no such session")
      assert.strictEqual(error.requestId, "req_9")
      assert.include(error.body!, "no such session")
      assert.strictEqual(error.url, `https://agent-prod.studio.lyzr.ai/v2/agents/${agent}/sessions/${session}`)
    }))

  it.effect("422 keeps FastAPI's issues as ValidationIssue values", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => json(422, { detail: [{ loc: ["path", "agent_id"], msg: "bad id", type: "value_error" }] }),
        list
      )
      const error = failureOf(exit)
      assert.instanceOf(error, ValidationError)
      const detail = (error as ValidationError).detail
      assert.isTrue(Array.isArray(detail))
      assert.instanceOf((detail as ReadonlyArray<ValidationIssue>)[0], ValidationIssue)
      assert.deepStrictEqual((detail as ReadonlyArray<ValidationIssue>)[0]!.loc, ["path", "agent_id"])
      assert.strictEqual(error.message, "path.agent_id: bad id")
    }))

  it.effect("a 2xx of the wrong shape says what is wrong, where", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => json(200, { id: "ase_1", agent_id: "agt_1", enabled: true, created_at: "2024-02-30T00:00:00Z" }),
        get
      )
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.include(error.message, "the 200 response body is not an AgentSession")
      assert.include(error.message, "Expected an RFC 3339 date-time")
      assert.include(error.message, "created_at")
    }))

  it.effect("a body that is not JSON says so", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => text(200, "{\"sessions\": ["), list)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.include(error.message, "is not JSON")
      assert.strictEqual(error.body, "{\"sessions\": [")
    }))

  it.effect("a request that got no response is a TransportError naming host and port, with the cause as text", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => {
          throw new TypeError("fetch failed", {
            cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" })
          })
        },
        list,
        { baseUrl: "http://127.0.0.1:9" }
      )
      const error = failureOf(exit)
      assert.instanceOf(error, TransportError)
      assert.include(error.message, "the connection to 127.0.0.1:9 was refused (ECONNREFUSED)")
      assert.include(error.message, "is baseUrl right?")
      assert.strictEqual(
        (error as TransportError).cause,
        "TypeError: fetch failed <- Error: connect ECONNREFUSED 127.0.0.1:9"
      )
      assert.isUndefined((error as TransportError).transient)
    }))

  it.effect("a body that breaks mid-way is a TransportError about the body", () =>
    Effect.gen(function*() {
      const broken = () =>
        new Response(
          new ReadableStream({
            start: (c) => {
              c.enqueue(new TextEncoder().encode("{\"sessions\":["))
              c.error(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
            }
          }),
          { status: 200 }
        )
      const { exit } = yield* run(broken, list)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "broke while reading the response body")
    }))
})

describe("the error classes", () => {
  it.effect("are Effect 4 Schema.TaggedError classes: Error instances that can be yielded", () =>
    Effect.gen(function*() {
      const error = new ServerError({ message: "HTTP 503", status: 503, retryAfter: Duration.seconds(2) })
      assert.instanceOf(error, Error)
      assert.strictEqual(error._tag, "ServerError")
      const exit = yield* Effect.exit(Effect.gen(function*() {
        yield* error
      }))
      assert.deepStrictEqual(exit, Exit.fail(error))
    }))

  it("round-trip through JSON with the AgentSessionsError union schema", () => {
    const codec = Schema.fromJsonString(Schema.toCodecJson(AgentSessionsError))
    const errors = [
      new SessionNotFound({ message: "gone", status: 404, code: "session_not_found", requestId: "req_1" }),
      new RequestTimeout({ message: "slow", timeout: Duration.seconds(30), url: "https://x.test/v1" }),
      new ValidationError({
        message: "bad",
        status: 422,
        detail: [new ValidationIssue({ loc: ["a", 0], msg: "m", type: "t" })]
      })
    ]
    for (const error of errors) {
      const back = Schema.decodeSync(codec)(Schema.encodeSync(codec)(error))
      assert.strictEqual(back._tag, error._tag)
      assert.strictEqual(back.constructor, error.constructor)
      assert.strictEqual(back.message, error.message)
    }
    const timeout = Schema.decodeSync(codec)(Schema.encodeSync(codec)(errors[1]!)) as RequestTimeout
    assert.isTrue(Duration.equals(timeout.timeout, Duration.seconds(30)))
  })
})
