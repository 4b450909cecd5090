import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, TestClock } from "effect"
import type { AgentSessions, AgentSessionsError, AgentSessionsOptions } from "../src/index.ts"
import { echoForms, echoKey, leakIn, stringsIn } from "./echo.ts"
import {
  baseUrl,
  captureLogs,
  errorTags,
  failureOf,
  type Handler,
  json,
  never,
  recordingTracer,
  run,
  seedSession,
  start,
  testKey,
  text
} from "./support.ts"

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

// ---------------------------------------------------------------------------------------------------
// A server echoing the key in every form (literal, JSON-escaped, fully or partly percent-encoded), in
// error bodies, response headers and Location, for every status that ends in an error. Leaks are found
// by `leakIn` (test/echo.ts): any reading of the text (JSON- or percent-decoded, or both) holding a piece
// of 8 characters of the key.

/** A response echoing a form `f` of the key: what to send, and the error it must end in. */
interface EchoCase {
  readonly label: string
  readonly tag: AgentSessionsError["_tag"]
  readonly respond: (f: string) => Handler
  readonly call: (s: Service) => Effect.Effect<unknown, AgentSessionsError>
}

/** A JSON body written by hand, so that the form's JSON escapes are real escapes in the body. */
const jsonText = (status: number, body: string, headers: Record<string, string> = {}) =>
  text(status, body, { "content-type": "application/json", ...headers })

const echoCases: ReadonlyArray<EchoCase> = [
  {
    label: "400 {error:{code,message}}",
    tag: "InvalidRequest",
    respond: (f) => () =>
      jsonText(400, `{"error":{"code":"invalid_request","message":"bad request for ${f}"}}`, { "x-request-id": f }),
    call: get
  },
  {
    label: "401 {detail}",
    tag: "Unauthorized",
    respond: (f) => () => jsonText(401, `{"detail":"invalid key ${f}"}`, { "x-request-id": `req-${f}` }),
    call: get
  },
  {
    label: "401 text/plain",
    tag: "Unauthorized",
    respond: (f) => () => text(401, `invalid key ${f}`, { "content-type": "text/plain", "request-id": f }),
    call: list
  },
  {
    label: "403 {code,message}",
    tag: "Forbidden",
    respond: (f) => () =>
      jsonText(403, `{"code":"forbidden","message":"key ${f} may not read agt_a"}`, { "cf-ray": f }),
    call: get
  },
  {
    label: "404 session_not_found",
    tag: "SessionNotFound",
    respond: (f) => () =>
      jsonText(404, `{"error":{"code":"session_not_found","message":"no session for ${f}"}}`, { "x-request-id": f }),
    call: get
  },
  {
    label: "404 without a code (HTML)",
    tag: "AgentNotFound",
    respond: (f) => () => text(404, `<html><body>Not Found: ${f}</body></html>`, { "content-type": "text/html" }),
    call: list
  },
  {
    label: "409 {detail}",
    tag: "UnexpectedResponse",
    respond: (f) => () => jsonText(409, `{"detail":"conflict for ${f}"}`, { "x-request-id": f }),
    call: list
  },
  {
    label: "418 text",
    tag: "UnexpectedResponse",
    respond: (f) => () => text(418, `teapot ${f}`, { "x-request-id": f }),
    call: list
  },
  {
    label: "422 FastAPI detail list",
    tag: "ValidationError",
    respond: (f) => () =>
      jsonText(
        422,
        `{"detail":[{"loc":["header","x-api-key","${f}"],"msg":"invalid key ${f}","type":"value_error"},` +
          `{"loc":["query"],"msg":{"key":"${f}"},"type":"${f}"}]}`,
        { "x-request-id": f }
      ),
    call: list
  },
  {
    label: "429 with Retry-After 120",
    tag: "RateLimitExceeded",
    respond: (f) => () =>
      jsonText(429, `{"detail":"credits exhausted for ${f}"}`, { "retry-after": "120", "x-request-id": f }),
    call: list
  },
  {
    label: "500 {detail}",
    tag: "ServerError",
    respond: (f) => () => jsonText(500, `{"detail":"${f}"}`, { "x-request-id": f }),
    call: get
  },
  {
    label: "502 HTML",
    tag: "ServerError",
    respond: (f) => () =>
      text(502, `<html>bad gateway for ${f}</html>`, { "content-type": "text/html", "x-request-id": f }),
    call: list
  },
  {
    label: "503 {error:\"text\"}",
    tag: "ServerError",
    respond: (f) => () => jsonText(503, `{"error":"down for ${f}","message":"${f}"}`, { "x-request-id": f }),
    call: list
  },
  {
    label: "200 that is not JSON (the key first)",
    tag: "ResponseDecodeError",
    respond: (f) => () => text(200, `${f} is your key`, { "x-request-id": f }),
    call: list
  },
  {
    label: "200 JSON cut short after the key",
    tag: "ResponseDecodeError",
    respond: (f) => () => jsonText(200, `{"sessions":["${f}", `),
    call: list
  },
  {
    label: "200 session with the key as created_at",
    tag: "ResponseDecodeError",
    respond: (f) => () =>
      jsonText(200, `{"id":"ase_b","agent_id":"agt_a","enabled":true,"created_at":"${f}"}`, { "x-request-id": f }),
    call: get
  },
  {
    label: "200 session with the key as a wrongly typed field",
    tag: "ResponseDecodeError",
    respond: (f) => () => jsonText(200, `{"id":"ase_b","agent_id":["${f}"],"enabled":"${f}","created_at":1}`),
    call: get
  },
  {
    label: "302 to another origin, the key in the query",
    tag: "UnexpectedResponse",
    respond: (f) => () => redirect(`https://collector.example.net/steal?k=${f}`),
    call: list
  },
  {
    label: "302 to another origin, the key in the path",
    tag: "UnexpectedResponse",
    respond: (f) => () => redirect(`https://collector.example.net/${f}/x`),
    call: list
  },
  {
    label: "307 to the same origin, the key in the path",
    tag: "UnexpectedResponse",
    respond: (f) => () => redirect(`/moved/${f}`, 307),
    call: get
  },
  {
    label: "308 to the same origin, the key in the query",
    tag: "UnexpectedResponse",
    respond: (f) => () => redirect(`${baseUrl}/v1/agent/agent-1/sessions?key=${f}`, 308),
    call: list
  },
  {
    label: "a transport failure whose message holds the key",
    tag: "TransportError",
    respond: (f) => () => {
      throw new TypeError(`fetch failed for ${f}`, { cause: new Error(`socket hang up (${f})`) })
    },
    call: list
  }
]

/**
 * Runs one call with retries on (so that retry logs are written) under TestClock, recording every log
 * line and span: everything the key could reach.
 */
const observe = (respond: Handler, call: EchoCase["call"], options: Partial<AgentSessionsOptions> = {}) =>
  Effect.gen(function*() {
    const logs = captureLogs()
    const { spans, tracer } = recordingTracer()
    const { fiber } = yield* logs.withLogs(start(respond, call, { apiKey: echoKey, maxRetries: 1, ...options })).pipe(
      Effect.withTracer(tracer)
    )
    yield* TestClock.adjust("5 minutes")
    const exit = yield* Fiber.join(fiber)
    const error = failureOf(exit)
    const texts: Array<readonly [string, string]> = [
      ...stringsIn(error).map((s) => ["a field of the error", s] as const),
      ["String(error)", String(error)],
      ["JSON.stringify(error)", JSON.stringify(error)],
      ["Cause.pretty", Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""],
      ...logs.lines.map((line) => ["a log line", line] as const),
      ...spans.flatMap((span) => [
        ...[...span.attributes].map(([name, value]) => [`span attribute ${name}`, String(value)] as const),
        ...span.events.map(([name, attributes]) => [`span event ${name}`, JSON.stringify(attributes)] as const),
        [
          `span ${span.name}'s exit`,
          span.exit !== undefined && Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : ""
        ] as const
      ])
    ]
    return { error, texts, spans }
  })

const assertNoLeak = (texts: ReadonlyArray<readonly [string, string]>, context: string) => {
  for (const [where, rendering] of texts) {
    const piece = leakIn(echoKey, rendering)
    assert.isUndefined(
      piece,
      `${context}: ${where} shows ${JSON.stringify(piece)} of the key: ${rendering.slice(0, 2000)}`
    )
  }
}

describe("a server echoing the key in any form never gets it into an error, a log or a span", () => {
  it("the oracle finds every form, and a piece of 8 characters, in any reading", () => {
    for (const [name, form] of echoForms(echoKey)) {
      assert.isDefined(leakIn(echoKey, `x ${form} y`), name)
      assert.isDefined(leakIn(echoKey, JSON.stringify({ message: `x ${form} y` })), `${name} in JSON`)
    }
    assert.isDefined(leakIn(echoKey, `…${echoKey.slice(0, 8)}`))
    assert.isUndefined(leakIn(echoKey, `…${echoKey.slice(0, 7)} <redacted> ${echoKey.slice(-7)}`))
  })

  for (const [name, form] of echoForms(echoKey)) {
    describe(`the key ${name}`, () => {
      for (const c of echoCases) {
        it.effect(`${c.label}: ${c.tag}`, () =>
          Effect.gen(function*() {
            const { error, spans, texts } = yield* observe(c.respond(form), c.call)
            assert.strictEqual(error._tag, c.tag)
            assert.isAtLeast(spans.length, 1)
            assertNoLeak(texts, c.label)
          }))
      }

      it.effect("a key across the 1 KiB cut of the excerpt, the message or the cause", () =>
        Effect.gen(function*() {
          // Fillers from 300 characters to 1 KiB in steps of 11 (under half the key's length): for each place
          // (the body's excerpt, a message quoting the body after a prefix of up to ~700 characters, the
          // cause), some of them put the key, in this form or decoded, across the cut at 1,024 characters.
          for (let n = 300; n <= 1024; n += 11) {
            const x = "x".repeat(n)
            const cases: ReadonlyArray<EchoCase> = [
              {
                label: `401 {detail} after ${n} characters`,
                tag: "Unauthorized",
                respond: (f) => () => jsonText(401, `{"detail":"${x}${f} refused"}`),
                call: get
              },
              {
                label: `200 created_at after ${n} characters`,
                tag: "ResponseDecodeError",
                respond: (f) => () =>
                  jsonText(200, `{"id":"ase_b","agent_id":"agt_a","enabled":true,"created_at":"${x}${f}"}`),
                call: get
              },
              {
                label: `200 not JSON after ${n} characters`,
                tag: "ResponseDecodeError",
                respond: (f) => () => text(200, `${x}${f}`),
                call: list
              },
              {
                label: `a transport failure after ${n} characters`,
                tag: "TransportError",
                respond: (f) => () => {
                  throw new TypeError(`fetch failed: ${x}${f}`)
                },
                call: list
              }
            ]
            for (const c of cases) {
              const { error, texts } = yield* observe(c.respond(form), c.call, { maxRetries: 0 })
              assert.strictEqual(error._tag, c.tag, c.label)
              assertNoLeak(texts, c.label)
            }
          }
        }), 120_000)
    })
  }
})
