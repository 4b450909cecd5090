import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import type { AgentSessionsError } from "../src/index.ts"
import { failureOf, json, run, text } from "./support.ts"

type Service = {
  get: (a: string, b: string) => Effect.Effect<unknown, AgentSessionsError>
  list: (a: string) => Effect.Effect<unknown, AgentSessionsError>
}
const get = (s: Service) => s.get("agt_a", "ase_b")
const list = (s: Service) => s.list("agent-1")

/** The error `get` (or `list`) fails with when the server answers with `response`. */
const errorOf = (response: () => Response, call: (s: Service) => Effect.Effect<unknown, AgentSessionsError> = get) =>
  Effect.map(run(response, call), ({ exit }) => failureOf(exit))

describe("errors by status and documented code", () => {
  const cases: ReadonlyArray<[status: number, code: string, tag: AgentSessionsError["_tag"]]> = [
    [400, "invalid_request", "InvalidRequest"],
    [401, "unauthorized", "Unauthorized"],
    [403, "forbidden", "Forbidden"],
    [404, "agent_not_found", "AgentNotFound"],
    [404, "session_not_found", "SessionNotFound"],
    [429, "rate_limit_exceeded", "RateLimitExceeded"]
  ]
  for (const [status, code, tag] of cases) {
    it.effect(`${status} ${code} fails with ${tag} carrying status, code and message`, () =>
      Effect.gen(function*() {
        const error = yield* errorOf(() => json(status, { error: { code, message: `the ${code} message` } }))
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.code, code)
        assert.strictEqual(error.message, `the ${code} message`)
      }))
  }

  for (
    const [status, tag] of [[400, "InvalidRequest"], [401, "Unauthorized"], [403, "Forbidden"], [
      429,
      "RateLimitExceeded"
    ]] as const
  ) {
    it.effect(`${status} with no body fails with ${tag}`, () =>
      Effect.gen(function*() {
        const error = yield* errorOf(() => text(status, ""))
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.status, status)
        assert.strictEqual(error.message, `HTTP ${status}`)
        assert.strictEqual(error.body, undefined)
      }))
  }

  it.effect("a 404 of get with no code fails with SessionNotFound", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(404, { detail: "Not Found" }))
      assert.strictEqual(error._tag, "SessionNotFound")
      assert.strictEqual(error.status, 404)
    }))

  it.effect("a 404 of list with no code fails with AgentNotFound", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(404, { detail: "Not Found" }), list)
      assert.strictEqual(error._tag, "AgentNotFound")
    }))

  it.effect("a 404 agent_not_found of get fails with AgentNotFound", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(404, { code: "agent_not_found", message: "no agent" }))
      assert.strictEqual(error._tag, "AgentNotFound")
    }))

  it.effect("a 404 session_not_found of list fails with AgentNotFound (list has no session)", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(404, { code: "session_not_found" }), list)
      assert.strictEqual(error._tag, "AgentNotFound")
    }))

  it.effect("422 fails with ValidationError keeping FastAPI's detail list", () =>
    Effect.gen(function*() {
      const detail = [{ loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" }]
      const error = yield* errorOf(() => json(422, { detail }), list)
      assert.strictEqual(error._tag, "ValidationError")
      if (error._tag !== "ValidationError") return
      assert.strictEqual(error.status, 422)
      assert.deepStrictEqual(
        (error.detail as ReadonlyArray<{ loc: ReadonlyArray<unknown>; msg: string; type: string }>).map((i) => ({
          ...i
        })),
        detail
      )
      assert.include(error.message, "path.agent_id: field required")
    }))

  it.effect("422 with loc indexes keeps the numbers", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(422, { detail: [{ loc: ["body", 0, "x"], msg: "bad", type: "t" }] }))
      assert.strictEqual(error._tag, "ValidationError")
      if (error._tag !== "ValidationError" || !Array.isArray(error.detail)) return assert.fail("no detail list")
      assert.deepStrictEqual([...error.detail[0]!.loc], ["body", 0, "x"])
    }))

  it.effect("422 with a detail string keeps the string", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(422, { detail: "agent_id is malformed" }))
      assert.strictEqual(error._tag, "ValidationError")
      if (error._tag !== "ValidationError") return
      assert.strictEqual(error.detail, "agent_id is malformed")
    }))

  it.effect("429 carries the Retry-After wait in retryAfter", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(429, { detail: "credits exhausted" }, { "retry-after": "7" }))
      assert.strictEqual(error._tag, "RateLimitExceeded")
      if (error._tag !== "RateLimitExceeded") return
      assert.deepStrictEqual(error.retryAfter, Duration.seconds(7))
      assert.strictEqual(error.message, "credits exhausted")
    }))

  it.effect("429 without Retry-After has no retryAfter", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(429, {}))
      assert.strictEqual(error._tag, "RateLimitExceeded")
      if (error._tag !== "RateLimitExceeded") return
      assert.strictEqual(error.retryAfter, undefined)
    }))

  for (const status of [500, 501, 502, 503, 504, 599]) {
    it.effect(`${status} fails with ServerError`, () =>
      Effect.gen(function*() {
        const error = yield* errorOf(() => text(status, "oops", { "content-type": "text/plain" }))
        assert.strictEqual(error._tag, "ServerError")
        assert.strictEqual(error.status, status)
      }))
  }

  it.effect("a 5xx with a documented-looking code is still ServerError (the code picks the tag only for 4xx)", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(500, { error: { code: "unauthorized", message: "m" } }))
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.code, "unauthorized")
    }))

  for (const status of [100, 101, 204, 206, 300, 304, 405, 408, 409, 410, 418, 451]) {
    it.effect(`${status} fails with UnexpectedResponse`, () =>
      Effect.gen(function*() {
        const error = yield* errorOf(() =>
          status >= 200 && status < 300 ? text(status, "") : text(status, "x", { "content-type": "text/plain" })
        )
        assert.strictEqual(error._tag, status >= 200 && status < 300 ? "ResponseDecodeError" : "UnexpectedResponse")
        assert.strictEqual(error.status, status)
      }))
  }
})

describe("errors by body shape", () => {
  it.effect("reads {\"error\": {\"code\", \"message\"}}", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() =>
        json(404, { error: { code: "agent_not_found", message: "Agent agt_a does not exist" } })
      )
      assert.strictEqual(error._tag, "AgentNotFound")
      assert.strictEqual(error.code, "agent_not_found")
      assert.strictEqual(error.message, "Agent agt_a does not exist")
    }))

  it.effect("reads {\"code\", \"message\"}", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() =>
        json(404, { code: "session_not_found", message: "Session ase_b does not exist" })
      )
      assert.strictEqual(error._tag, "SessionNotFound")
      assert.strictEqual(error.code, "session_not_found")
      assert.strictEqual(error.message, "Session ase_b does not exist")
    }))

  it.effect("reads FastAPI's {\"detail\": \"...\"} as the message", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(403, { detail: "Not authenticated" }))
      assert.strictEqual(error._tag, "Forbidden")
      assert.strictEqual(error.message, "Not authenticated")
    }))

  it.effect("reads FastAPI's {\"detail\": [...]} on a 400 into the message", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() =>
        json(400, { detail: [{ loc: ["path", "agent_id"], msg: "bad id", type: "value_error" }] })
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.message, "path.agent_id: bad id")
    }))

  it.effect("an empty body gives the status as the message", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(401, ""))
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(error.message, "HTTP 401")
      assert.strictEqual(error.code, undefined)
    }))

  it.effect("an HTML body gives the status as the message and keeps an excerpt", () =>
    Effect.gen(function*() {
      const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
      const error = yield* errorOf(() => text(502, html, { "content-type": "text/html" }))
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.message, "HTTP 502")
      assert.strictEqual(error.body, html)
    }))

  it.effect("a short plain-text body becomes the message", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() =>
        text(401, "Invalid API key\n", { "content-type": "text/plain; charset=utf-8" })
      )
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(error.message, "Invalid API key")
    }))

  it.effect("a JSON body that is not an object (an array, a number) is not misread", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(400, [1, 2, 3]))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.message, "HTTP 400")
    }))
})

describe("what every error keeps", () => {
  it.effect("keeps the x-request-id header", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(500, {}, { "x-request-id": "req_123" }))
      assert.strictEqual(error.requestId, "req_123")
    }))

  it.effect("keeps the request-id header when there is no x-request-id", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(401, {}, { "request-id": "req_456" }))
      assert.strictEqual(error.requestId, "req_456")
    }))

  it.effect("keeps the cf-ray header as a last resort", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(403, "", { "cf-ray": "8a1b2c3d4e5f-AMS" }))
      assert.strictEqual(error.requestId, "8a1b2c3d4e5f-AMS")
    }))

  it.effect("keeps the URL that was requested", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(404, {}))
      assert.strictEqual(error.url, "https://agent-prod.studio.lyzr.ai/v2/agents/agt_a/sessions/ase_b")
    }))

  it.effect("bounds the body excerpt of a large error body to about 1 KiB", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(500, "x".repeat(100_000)))
      assert.isDefined(error.body)
      assert.isAtMost(error.body!.length, 1025)
      assert.isTrue(error.body!.startsWith("xxxx"))
    }))

  it.effect("bounds the message taken from a large JSON error body", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(400, { detail: "y".repeat(100_000) }))
      assert.isAtMost(String(error).length, 4096)
      assert.isAtMost(error.body!.length, 1025)
    }))
})

describe("2xx bodies that are not what was documented", () => {
  it.effect("a 200 that is not JSON fails with ResponseDecodeError carrying status and excerpt", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(200, "<html>maintenance</html>", { "content-type": "text/html" }))
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.status, 200)
      assert.strictEqual(error.body, "<html>maintenance</html>")
      assert.include(error.message, "not JSON")
    }))

  it.effect("a 200 session of the wrong shape fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(200, { id: 1, enabled: "yes" }, { "x-request-id": "req_9" }))
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.strictEqual(error.status, 200)
      assert.strictEqual(error.requestId, "req_9")
      assert.strictEqual(error.body, JSON.stringify({ id: 1, enabled: "yes" }))
    }))

  it.effect("a 200 list of the wrong shape fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => json(200, { sessions: "s1,s2" }), list)
      assert.strictEqual(error._tag, "ResponseDecodeError")
    }))

  it.effect("a 200 with an invalid created_at fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() =>
        json(200, { id: "ase_b", agent_id: "agt_a", enabled: true, created_at: "yesterday" })
      )
      assert.strictEqual(error._tag, "ResponseDecodeError")
    }))

  it.effect("a 200 with an empty body fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(200, ""), list)
      assert.strictEqual(error._tag, "ResponseDecodeError")
    }))

  it.effect("a truncated 200 body fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(200, `{"sessions": ["a", "b`), list)
      assert.strictEqual(error._tag, "ResponseDecodeError")
    }))

  it.effect("bounds the excerpt of a large undecodable 200 body", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => text(200, "z".repeat(50_000)))
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.isAtMost(error.body!.length, 1025)
      assert.isAtMost(error.message.length, 1001)
    }))
})

describe("transport", () => {
  it.effect("a connection failure fails with TransportError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
        })
      })
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error.status, undefined)
      if (error._tag !== "TransportError") return
      assert.strictEqual(error.cause, "TypeError: fetch failed <- Error: connect ECONNREFUSED")
    }))

  it.effect("a refused connection's message names the host, the port, the code and the setting to check", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => {
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })
        })
      })
      assert.strictEqual(
        error.message,
        "GET /v2/agents/agt_a/sessions/ase_b failed: the connection to agent-prod.studio.lyzr.ai:443 was refused " +
          "(ECONNREFUSED); is the server running, and is baseUrl right?"
      )
    }))

  it.effect("a body stream that breaks mid-way fails with TransportError", () =>
    Effect.gen(function*() {
      const error = yield* errorOf(() => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(`{"sessions": [`))
            controller.error(new Error("socket hang up"))
          }
        })
        return new Response(body, { status: 200, headers: { "content-type": "application/json" } })
      }, list)
      assert.strictEqual(error._tag, "TransportError")
    }))
})
