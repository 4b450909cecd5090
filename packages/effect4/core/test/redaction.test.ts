/**
 * A server that echoes the key — in a body, a header or a `Location`, literally, JSON-escaped (`\uXXXX`) or
 * partly percent-encoded — never gets it into an error: no field, no `String`/`JSON.stringify`, no
 * `Cause.pretty`, no span attribute. The wire's redactor is the oracle: it finds the key in any of its forms.
 */
import { assert, describe, it } from "@effect/vitest"
import { Redaction } from "@lyzr-effect/wire"
import { Cause, Effect, Exit, Layer } from "effect"
import { AgentSessions, type AgentSessionsError, type AgentSessionsService } from "../src/index.ts"
import { agent, failureOf, fakeServer, json, recordingTracer, session, testKey, text } from "./support.ts"

const finder = Redaction.make(testKey)

const forms = {
  literal: testKey,
  "JSON-escaped": Array.from(testKey, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  "partly percent-encoded": testKey.replace("-LEAK", "%2DLEAK").replace("CANARY", "C%41NARY")
}

const get = (s: AgentSessionsService) => s.get(agent, session)
const list = (s: AgentSessionsService) => s.list(agent)

/** Every rendering of the failure, and every attribute of every span. */
const run = (
  handler: (request: Request) => Response,
  call: (s: AgentSessionsService) => Effect.Effect<unknown, AgentSessionsError>
) =>
  Effect.gen(function*() {
    const { spans, tracer } = recordingTracer()
    const server = fakeServer(handler)
    const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(server.layer))
    const exit = yield* Effect.flatMap(AgentSessions, call).pipe(
      Effect.provide(Layer.orDie(layer)),
      Effect.withTracer(tracer),
      Effect.exit
    )
    const error = failureOf(exit)
    const renderings = [
      String(error),
      JSON.stringify(error),
      error.message,
      error.stack ?? "",
      Cause.pretty(Exit.isFailure(exit) ? exit.cause : Cause.empty),
      ...Object.entries(error).map(([name, value]) =>
        `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`
      ),
      ...spans.flatMap((span) =>
        [...span.attributes].map(([name, value]) => `span ${span.name} ${name}=${String(value)}`)
      )
    ]
    return { error, renderings }
  })

describe("the key never leaks", () => {
  for (const [formName, echoed] of Object.entries(forms)) {
    const cases: ReadonlyArray<
      [
        string,
        (request: Request) => Response,
        (s: AgentSessionsService) => Effect.Effect<unknown, AgentSessionsError>,
        string
      ]
    > = [
      ["a JSON error body", () => json(401, { detail: `invalid key ${echoed}` }), get, "Unauthorized"],
      [
        "a plain-text body",
        () => text(403, `key ${echoed} may not read this`, { "content-type": "text/plain" }),
        get,
        "Forbidden"
      ],
      [
        "a body longer than the excerpt, the key across its cut",
        () => text(500, `${"x".repeat(1020)}${echoed}`, { "content-type": "text/html" }),
        list,
        "ServerError"
      ],
      [
        "a response header (the request id)",
        () => text(429, "", { "x-request-id": echoed, "retry-after": "600" }),
        list,
        "RateLimitExceeded"
      ],
      [
        "a cross-origin Location",
        () => new Response(null, { status: 302, headers: { location: `https://collector.example.net/?k=${echoed}` } }),
        list,
        "UnexpectedResponse"
      ],
      [
        "a same-origin Location",
        () => new Response(null, { status: 302, headers: { location: `/v1/agent/${echoed}/sessions` } }),
        list,
        "UnexpectedResponse"
      ],
      ["a 2xx body that is not JSON", () => text(200, `<p>${echoed}</p>`), list, "ResponseDecodeError"],
      ["a 2xx body of the wrong shape", () => json(200, { id: echoed, agent_id: 1 }), get, "ResponseDecodeError"],
      [
        "a 422 issue list",
        () => json(422, { detail: [{ loc: ["header", echoed], msg: echoed, type: "value_error" }] }),
        list,
        "ValidationError"
      ],
      [
        "a transport failure's cause",
        () => {
          throw new TypeError(`fetch failed: ${echoed}`, { cause: new Error(`header x-api-key: ${echoed}`) })
        },
        list,
        "TransportError"
      ]
    ]
    for (const [where, handler, call, tag] of cases) {
      it.effect(`${formName}, in ${where}: ${tag} without the key`, () =>
        Effect.gen(function*() {
          const { error, renderings } = yield* run(handler, call)
          assert.strictEqual(error._tag, tag)
          for (const rendering of renderings) {
            assert.isFalse(finder.contains(rendering), `the key is in: ${rendering.slice(0, 200)}`)
          }
        }))
    }
  }

  it.effect("the redacted record still says where the key was", () =>
    Effect.gen(function*() {
      const { error } = yield* run(() => json(401, { detail: `invalid key ${testKey}` }), get)
      assert.strictEqual(error.message, "invalid key <redacted>")
    }))
})
