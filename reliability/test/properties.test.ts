/**
 * Property-based decoding over real loopback sockets: NodeLyzr (undici) against a TCP server that
 * writes each generated response byte for byte. Core's unit suite has the in-process version of these
 * properties; here the wire itself is generated: status lines 100–599 (1xx included), raw header
 * lines (garbage Retry-After among them), content-length, chunked and close-delimited framing, bodies
 * cut short or over the cap.
 *
 * Runs per property: 200 in CI (fixed seed), 10,000 with RELIABILITY=full; RELIABILITY_RUNS and
 * RELIABILITY_SEED override.
 */
import { AgentSession, AgentSessions, type AgentSessionsError, RetryPolicy, SessionIds } from "@lyzr-effect/core"
import type { AgentSessionsOptions } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import {
  Arbitrary,
  Cause,
  Duration,
  Effect,
  Either,
  Exit,
  FastCheck as fc,
  Layer,
  ManagedRuntime,
  Option,
  Schema
} from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { rejectionWatch, shows } from "./support/process.ts"
import { chunked, httpResponse, type RawServer, rawServer, utf8 } from "./support/rawServer.ts"
import { report, scaled } from "./support/soak.ts"

const numRuns = scaled("RELIABILITY_RUNS", 200, 10_000)
const seed = Number(process.env["RELIABILITY_SEED"] ?? 20240115)
const testTimeout = Math.max(60_000, numRuns * 100)
const key = "sk-props-LEAKCANARY-93c1d7e0a4b25f68"
const cap = 16 * 1024

const errorTags: ReadonlyArray<string> = [
  "InvalidRequest",
  "Unauthorized",
  "Forbidden",
  "AgentNotFound",
  "SessionNotFound",
  "ValidationError",
  "RateLimitExceeded",
  "ServerError",
  "UnexpectedResponse",
  "ResponseDecodeError",
  "TransportError",
  "RequestTimeout"
]

const rejections = rejectionWatch()
let server: RawServer
const runtimes: Array<ManagedRuntime.ManagedRuntime<AgentSessions, never>> = []
const counts: Record<string, number> = {}
const outcomes: Record<string, Record<string, number>> = {}
const tally = (label: string, outcome: string) => {
  const forLabel = outcomes[label] ??= {}
  forLabel[outcome] = (forLabel[outcome] ?? 0) + 1
}

beforeAll(async () => {
  rejections.install()
  server = await rawServer()
})
afterAll(async () => {
  for (const runtime of runtimes) await runtime.dispose()
  await server.close()
  rejections.uninstall()
  report(
    `properties over sockets: ${
      JSON.stringify({ numRuns, seed, cases: counts, outcomes, requests: server.requests.length })
    }`
  )
  expect(rejections.reasons).toEqual([])
})

const runtimeWith = (options: Partial<AgentSessionsOptions>) => {
  const runtime = ManagedRuntime.make(
    Layer.orDie(
      NodeLyzr.layer({
        apiKey: key,
        baseUrl: server.url,
        timeout: "2 seconds",
        maxResponseBytes: cap,
        retryPolicy: RetryPolicy.none,
        ...options
      })
    )
  )
  runtimes.push(runtime)
  return runtime
}

type Call = "list" | "get"
const call = (route: Call): Effect.Effect<unknown, AgentSessionsError, AgentSessions> =>
  Effect.flatMap(
    AgentSessions,
    (s): Effect.Effect<unknown, AgentSessionsError> =>
      route === "list" ? s.list("agt_props") : s.get("agt_props", "ase_props")
  )

/**
 * Runs one call to its end. A call still running after 15 s is a hang (the SDK's own timeout is 2 s per
 * attempt); a defect, an interruption or an error outside the 12 documented tags fails the property;
 * so does the key in any rendering.
 */
const settle = async (runtime: ManagedRuntime.ManagedRuntime<AgentSessions, never>, route: Call, label: string) => {
  counts[label] = (counts[label] ?? 0) + 1
  const started = performance.now()
  const settled = await runtime.runPromise(Effect.timeoutOption(Effect.exit(call(route)), "15 seconds"))
  const elapsedMs = performance.now() - started
  if (Option.isNone(settled)) throw new Error("the call did not settle within 15 s (a hang)")
  const exit = settled.value
  if (Exit.isSuccess(exit)) {
    tally(label, "value")
    return { exit, value: exit.value, error: undefined, elapsedMs }
  }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure) || Cause.isDie(exit.cause) || Cause.isInterrupted(exit.cause)) {
    throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
  }
  const error = failure.value
  if (!errorTags.includes(error._tag)) throw new Error(`undocumented error ${error._tag}`)
  if (shows(key, error, exit.cause)) throw new Error(`the key shows in ${error._tag}`)
  tally(label, error._tag)
  return { exit, value: undefined, error, elapsedMs }
}

// ---------------------------------------------------------------------------------------------------
// generators

const visible = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40
})
/** Header value bytes: visible ASCII, tabs, obs-text, and now and then a NUL or DEL (never CR/LF). */
const garbage = fc.string({
  unit: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.constantFrom(0x09, 0x00, 0x7f) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) }
  ).map((c) => String.fromCharCode(c)),
  maxLength: 40
})
/** Mostly well-formed header values; one in ten is garbage bytes. */
const headerValue = fc.oneof({ weight: 9, arbitrary: visible }, { weight: 1, arbitrary: garbage })
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((name) =>
  !["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer"].includes(name)
)

/** Retry-After and retry-after-ms values seen in the wild, and garbage. */
const waitValue = fc.oneof(
  headerValue,
  fc.integer({ min: -100, max: 400_000_000 }).map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.constantFrom(
    "",
    " ",
    "0",
    "1.5",
    "-1",
    "Infinity",
    "NaN",
    "1e309",
    "61",
    "60",
    "31536000",
    "Mon, 99 Foo 2024",
    "0x10"
  )
)

const headerLines: fc.Arbitrary<ReadonlyArray<readonly [string, string]>> = fc.tuple(
  fc.array(fc.tuple(token, headerValue), { maxLength: 4 }),
  fc.option(waitValue, { nil: undefined }),
  fc.option(waitValue, { nil: undefined }),
  fc.option(
    fc.constantFrom("application/json", "text/plain", "text/html; charset=utf-8", "application/problem+json", "gzip"),
    { nil: undefined }
  ),
  fc.option(fc.constantFrom("gzip", "br", "identity", "x-garbage"), { nil: undefined }),
  fc.option(headerValue, { nil: undefined }),
  fc.option(
    fc.oneof(
      visible,
      fc.constantFrom("/moved", "//collector.example.net/x", "https://collector.example.net/", "http://[bad", "")
    ),
    { nil: undefined }
  )
).map(([extra, retryAfter, retryAfterMs, contentType, contentEncoding, requestId, location]) => {
  const lines: Array<readonly [string, string]> = [...extra]
  if (retryAfter !== undefined) lines.push(["Retry-After", retryAfter])
  if (retryAfterMs !== undefined) lines.push(["retry-after-ms", retryAfterMs])
  if (contentType !== undefined) lines.push(["content-type", contentType])
  if (contentEncoding !== undefined) lines.push(["content-encoding", contentEncoding])
  if (requestId !== undefined) lines.push(["x-request-id", requestId])
  if (location !== undefined) lines.push(["location", location])
  return lines
})

const validSession = Arbitrary.make(AgentSession).map((session) =>
  JSON.stringify(Schema.encodeSync(AgentSession)(session))
)
const validBodies = [
  JSON.stringify({ sessions: ["ase_a", "ase_b"] }),
  JSON.stringify([{ session_id: "ase_a", session_name: "x", user_id: "u", created_at: "2024-01-15T10:30:00Z" }]),
  JSON.stringify({ detail: [{ loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" }] }),
  JSON.stringify({ error: { code: "session_not_found", message: "no such session" } }),
  JSON.stringify({ detail: "rate_limit_exceeded" }),
  "<html><body>502 Bad Gateway</body></html>"
]
const bodyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.json().map(utf8),
  fc.jsonValue().map((detail) => utf8(JSON.stringify({ detail }))),
  fc.jsonValue().map((error) => utf8(JSON.stringify({ error, code: "x", message: "m" }))),
  fc.uint8Array({ maxLength: 600 }),
  fc.string({ unit: "binary", maxLength: 300 }).map(utf8),
  validSession.map(utf8),
  fc.constantFrom(...validBodies).map(utf8)
)

type Framing = "length" | "chunked" | "close"
const framing = fc.constantFrom<Framing>("length", "chunked", "close")

const frame = (
  status: number,
  lines: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
  how: Framing,
  reason = "Reason"
): Uint8Array => {
  switch (how) {
    case "length":
      return httpResponse(`HTTP/1.1 ${status} ${reason}`, [...lines, ["content-length", String(body.length)]], body)
    case "chunked":
      return httpResponse(
        `HTTP/1.1 ${status} ${reason}`,
        [...lines, ["transfer-encoding", "chunked"]],
        chunked(body, 97)
      )
    case "close":
      return httpResponse(`HTTP/1.1 ${status} ${reason}`, [...lines, ["connection", "close"]], body)
  }
}

/** What the schema makes of a complete body, decoded as core decodes it (UTF-8, replacement characters). */
const oracle = (route: Call, body: Uint8Array): Either.Either<unknown, unknown> => {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(body))
    return route === "list"
      ? Schema.decodeUnknownEither(SessionIds)(json)
      : Either.map(Schema.decodeUnknownEither(AgentSession)(json), (s) => Schema.encodeSync(AgentSession)(s))
  } catch (error) {
    return Either.left(error)
  }
}

const comparable = (route: Call, value: unknown) =>
  JSON.stringify(route === "list" ? value : Schema.encodeSync(AgentSession)(value as AgentSession))

// ---------------------------------------------------------------------------------------------------

describe(`properties over loopback sockets (${numRuns} runs each, seed ${seed})`, () => {
  it("a valid AgentSession, and a valid list in either shape, round-trip through a real socket", async () => {
    const runtime = runtimeWith({})
    const session = fc.record({ route: fc.constant<Call>("get"), body: validSession })
    const list = fc.record({
      route: fc.constant<Call>("list"),
      body: fc.tuple(fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 20 }), fc.boolean()).map((
        [ids, live]
      ) =>
        JSON.stringify(
          live ? ids.map((session_id) => ({ session_id, created_at: "2024-01-15T10:30:00Z" })) : { sessions: ids }
        )
      )
    })
    await fc.assert(
      fc.asyncProperty(fc.oneof(session, list), framing.filter((f) => f !== "close"), async ({ body, route }, how) => {
        const bytes = utf8(body)
        server.respond = () => ({ bytes: frame(200, [["content-type", "application/json"]], bytes, how), close: false })
        const result = await settle(runtime, route, "round-trip")
        if (result.error !== undefined) {
          throw new Error(`${route} failed with ${result.error._tag}: ${result.error.message}`)
        }
        const expected = oracle(route, bytes)
        expect(Either.isRight(expected)).toBe(true)
        expect(comparable(route, result.value)).toBe(JSON.stringify(Either.getOrThrow(expected)))
      }),
      { numRuns, seed }
    )
  }, testTimeout)

  it(
    "any status 100–599, any body and any headers end in a value or a documented error; 2xx bodies decode as the schema says",
    async () => {
      const runtime = runtimeWith({})
      const exchange = fc.record({
        route: fc.constantFrom<Call>("list", "get"),
        // Every status, with the ones the API uses (and 2xx, where bodies are decoded) drawn more often.
        status: fc.oneof(
          fc.integer({ min: 100, max: 599 }),
          fc.constantFrom(
            200,
            200,
            201,
            204,
            301,
            302,
            307,
            308,
            400,
            401,
            403,
            404,
            408,
            409,
            422,
            429,
            500,
            502,
            503,
            504
          )
        ),
        lines: headerLines,
        body: bodyBytes,
        how: framing
      })
      await fc.assert(
        fc.asyncProperty(exchange, async ({ body, how, lines, route, status }) => {
          // Garbage headers, 1xx, 204/304 and close-delimited bodies leave the connection unusable.
          const clean = lines.every(([, v]) => /^[\x20-\x7e]*$/.test(v))
          const close = how === "close" || !clean || status < 200 || status === 204 || status === 304
          server.respond = () => ({ bytes: frame(status, lines, body, how), close })
          const result = await settle(runtime, route, "any-status")
          const answered = status >= 200
          if (result.error === undefined) {
            expect(status >= 200 && status < 300, `a value from a ${status}`).toBe(true)
            const expected = oracle(route, body)
            expect(Either.isRight(expected), "a value from a body the schema rejects").toBe(true)
            expect(comparable(route, result.value)).toBe(JSON.stringify(Either.getOrThrow(expected)))
            return
          }
          if (answered && result.error.status !== undefined) expect(result.error.status).toBe(status)
          if (status < 200 || status >= 300) return
          // A complete 2xx body the schema accepts must not be refused (204/205 carry no body).
          const complete = how !== "close" && status !== 204 && status !== 205 && clean
          if (complete && Either.isRight(oracle(route, body))) {
            throw new Error(`a valid ${status} body failed with ${result.error._tag}: ${result.error.message}`)
          }
        }),
        { numRuns, seed }
      )
    },
    testTimeout
  )

  it(
    "a body cut short fails with TransportError; a complete prefix with ResponseDecodeError; over the cap with UnexpectedResponse",
    async () => {
      const runtime = runtimeWith({})
      const cases = fc.record({
        body: validSession,
        cut: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        kind: fc.constantFrom(
          "declared-longer",
          "chunked-unterminated",
          "prefix",
          "over-cap-declared",
          "over-cap-chunked",
          "over-cap-close"
        ),
        pad: fc.integer({ min: 1, max: 4 * cap })
      })
      await fc.assert(
        fc.asyncProperty(cases, async ({ body, cut, kind, pad }) => {
          const full = utf8(body)
          const prefix = full.subarray(0, Math.floor(full.length * cut))
          const big = utf8(body.slice(0, -1) + `,"padding":"${"x".repeat(cap + pad)}"}`)
          const json: ReadonlyArray<readonly [string, string]> = [["content-type", "application/json"]]
          const byKind: Record<typeof kind, Uint8Array> = {
            "declared-longer": httpResponse(
              "HTTP/1.1 200 OK",
              [...json, ["content-length", String(full.length)]],
              prefix
            ),
            "chunked-unterminated": httpResponse(
              "HTTP/1.1 200 OK",
              [...json, ["transfer-encoding", "chunked"]],
              chunked(prefix, 64, false)
            ),
            "prefix": frame(200, json, prefix, "length"),
            "over-cap-declared": frame(200, json, big, "length"),
            "over-cap-chunked": frame(200, json, big, "chunked"),
            "over-cap-close": frame(200, json, big, "close")
          }
          const bytes = byKind[kind] ?? new Uint8Array(0)
          server.respond = () => ({ bytes, close: kind !== "prefix" })
          const result = await settle(runtime, "get", kind)
          const expected = kind === "prefix"
            ? "ResponseDecodeError"
            : kind.startsWith("over-cap")
            ? "UnexpectedResponse"
            : "TransportError"
          expect(result.error?._tag, `${kind}: ${result.error?.message}`).toBe(expected)
        }),
        { numRuns, seed }
      )
    },
    testTimeout
  )

  it(
    "with retries on, any Retry-After on a 429 or 503 ends within the policy: at most 2 requests, never a stall",
    async () => {
      // Waits up to 50 ms are honoured, longer ones end the retries at once (maxRetryAfter), so no case sleeps.
      const runtime = runtimeWith({
        retryPolicy: RetryPolicy.make({ maxRetries: 1, initialDelay: "1 millis", maxRetryAfter: "50 millis" })
      })
      const cases = fc.record({
        status: fc.constantFrom(429, 503),
        retryAfter: fc.option(waitValue, { nil: undefined }),
        retryAfterMs: fc.option(waitValue, { nil: undefined })
      })
      await fc.assert(
        fc.asyncProperty(cases, async ({ retryAfter, retryAfterMs, status }) => {
          const lines: Array<readonly [string, string]> = [["content-type", "application/json"]]
          if (retryAfter !== undefined) lines.push(["retry-after", retryAfter])
          if (retryAfterMs !== undefined) lines.push(["retry-after-ms", retryAfterMs])
          const clean = lines.every(([, v]) => /^[\x20-\x7e]*$/.test(v))
          const before = server.requests.length
          server.respond = () => ({
            bytes: frame(status, lines, utf8("{\"detail\":\"slow down\"}"), "length"),
            close: !clean
          })
          const result = await settle(runtime, "list", "retry-after")
          const requests = server.requests.length - before
          expect(requests).toBeGreaterThanOrEqual(1)
          expect(requests).toBeLessThanOrEqual(2)
          expect(result.elapsedMs).toBeLessThan(1500)
          const error = result.error
          if (error === undefined) throw new Error("a value from an error status")
          if (error._tag === "TransportError") return // a header byte the HTTP parser refuses
          expect(error._tag).toBe(status === 429 ? "RateLimitExceeded" : "ServerError")
          const wait = "retryAfter" in error ? error.retryAfter : undefined
          if (wait !== undefined) {
            expect(Duration.toMillis(wait)).toBeGreaterThanOrEqual(0)
            if (Duration.toMillis(wait) > 50) expect(requests).toBe(1)
          }
        }),
        { numRuns, seed }
      )
    },
    testTimeout
  )
})
