import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, TestClock } from "effect"
import type { AgentSessions, AgentSessionsError, AgentSessionsOptions } from "../src/index.ts"
import { captureLogs, errorTags, failureOf, json, never, run, seedSession, start, testKey, text } from "./support.ts"

// A server may echo the key (in a body, a header, a Location); the key must still never reach an
// error's String / JSON.stringify / Cause.pretty, nor a log line.

type Service = AgentSessions["Type"]
const list = (s: Service) => s.list("agent-1")
const get = (s: Service) => s.get("agt_a", "ase_b")
const ok = () => json(200, { sessions: ["s1"] })
const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } })

describe("the key never leaks", () => {
  const renderings = (exit: Exit.Exit<unknown, AgentSessionsError>) => {
    const error = failureOf(exit)
    return {
      tag: error._tag,
      texts: [
        String(error),
        JSON.stringify(error),
        Cause.pretty(exit._tag === "Failure" ? exit.cause : Cause.empty),
        error.message
      ]
    }
  }
  const echo = `invalid key ${testKey}`
  const provocations: ReadonlyArray<
    [
      string,
      (request: Request, n: number) => Response | Promise<Response>,
      (s: Service) => Effect.Effect<unknown, AgentSessionsError>,
      Partial<AgentSessionsOptions>?
    ]
  > = [
    ["InvalidRequest", () => ok(), (s) => s.get("agt_a", "not-a-session")],
    ["InvalidRequest", () => json(400, { error: { code: "invalid_request", message: echo } }), get],
    ["Unauthorized", () => json(401, { detail: echo }, { "x-request-id": "req_1" }), get],
    ["Unauthorized", () => text(401, echo, { "content-type": "text/plain" }), get],
    ["Forbidden", () => json(403, { code: "forbidden", message: echo }), get],
    ["AgentNotFound", () => json(404, { error: { code: "agent_not_found", message: echo } }), get],
    ["SessionNotFound", () => json(404, { error: { code: "session_not_found", message: echo } }), get],
    [
      "ValidationError",
      () => json(422, { detail: [{ loc: ["header", "x-api-key"], msg: echo, type: "value_error" }] }),
      list
    ],
    ["RateLimitExceeded", () => json(429, { detail: echo }, { "retry-after": "120" }), list],
    ["ServerError", () => text(500, `<html>${echo}</html>`, { "content-type": "text/html" }), list],
    ["UnexpectedResponse", () => text(418, echo), list],
    ["UnexpectedResponse", () => redirect(`https://collector.example.net/?k=${testKey}`), list],
    ["UnexpectedResponse", () => text(200, echo.repeat(100)), list, { maxResponseBytes: 100 }],
    ["ResponseDecodeError", () => text(200, echo), list],
    ["ResponseDecodeError", () => json(200, { id: testKey, agent_id: 1, enabled: true, created_at: testKey }), get],
    ["TransportError", () => {
      throw new TypeError(`fetch failed: bad header x-api-key: ${testKey}`, { cause: new Error(testKey) })
    }, list]
  ]
  for (const [tag, handler, call, options] of provocations) {
    it.effect(`${tag} (${handler.toString().slice(6, 60).replace(/\s+/g, " ")}…) never shows the key`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run(handler, call, options)
        const { tag: actual, texts } = renderings(exit)
        assert.strictEqual(actual, tag)
        for (const rendering of texts) assert.notInclude(rendering, testKey)
      }))
  }

  it.effect("RequestTimeout never shows the key", () =>
    Effect.gen(function*() {
      const { fiber } = yield* start(never, list, { maxRetries: 0 })
      yield* TestClock.adjust("30 seconds")
      const exit = yield* Fiber.join(fiber)
      const { tag, texts } = renderings(exit)
      assert.strictEqual(tag, "RequestTimeout")
      for (const rendering of texts) assert.notInclude(rendering, testKey)
    }))

  it("the provocations above reach every error tag", () => {
    const reached = new Set([...provocations.map(([tag]) => tag), "RequestTimeout"])
    assert.deepStrictEqual([...reached].sort(), [...errorTags].sort())
  })

  it.effect("logs at every level (retries included) never show the key", () =>
    Effect.gen(function*() {
      const logs = captureLogs()
      const handler = (_: Request, n: number) =>
        n === 1 ? json(503, { detail: `down; your key ${testKey}` }, { "x-request-id": testKey }) : n === 2 ?
          (() => {
            throw new Error(`socket closed ${testKey}`)
          })() :
          json(200, seedSession)
      const { fiber } = yield* logs.withLogs(start(handler, get))
      yield* TestClock.adjust("10 seconds")
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
      assert.isAtLeast(logs.lines.length, 2)
      for (const line of logs.lines) assert.notInclude(line, testKey)
    }))
})
