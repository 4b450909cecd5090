/**
 * Property tests. The run count is LYZR_PROPERTY_RUNS (default 100, enough for CI; set e.g. 10000 for a
 * long on-demand run) and the seed LYZR_PROPERTY_SEED (default fixed, so CI is reproducible).
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Cause, Effect, Either, Exit, FastCheck as fc, Fiber, Option, Schema, TestClock } from "effect"
import { AgentSession } from "../src/index.ts"
import type { AgentSessions, AgentSessionsError } from "../src/index.ts"
import { errorTags, hasDefect, json, seedSessionText, start, testKey, text } from "./support.ts"

const numRuns = Number(process.env.LYZR_PROPERTY_RUNS ?? 100)
const seed = Number(process.env.LYZR_PROPERTY_SEED ?? 20240115)
const fastCheck = { numRuns, seed }
const timeout = Math.max(30_000, numRuns * 200)

type Service = AgentSessions["Type"]

const ascii = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40
})

/** Retry-After values as sent in the wild, and garbage. */
const waitHeader = fc.oneof(
  ascii,
  fc.integer({ min: -100, max: 200_000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.date().map((d) => (Number.isNaN(d.getTime()) ? "Invalid Date" : d.toUTCString())),
  fc.constantFrom(
    "",
    "0",
    "1.5",
    "-1",
    "Infinity",
    "NaN",
    "1e309",
    "61",
    "60",
    "Thu, 01 Jan 1970 00:00:30 GMT",
    "Mon, 99 Foo 2024"
  )
)

const headers = fc.record(
  {
    "retry-after": waitHeader,
    "retry-after-ms": waitHeader,
    "content-type": fc.constantFrom(
      "application/json",
      "text/plain",
      "text/html; charset=utf-8",
      "application/problem+json"
    ),
    "x-request-id": ascii,
    "location": fc.oneof(
      ascii,
      fc.webUrl(),
      fc.constantFrom(
        "/moved",
        "//collector.example.net/x",
        "https://agent-prod.studio.lyzr.ai/x",
        "http://[bad",
        ""
      )
    ),
    "content-length": fc.oneof(ascii, fc.nat({ max: 100_000 }).map(String))
  },
  { requiredKeys: [] }
)

const liveList = JSON.stringify([
  { session_id: "s-1", session_name: "First", user_id: "u@example.com", created_at: "2024-01-15T10:30:00Z" }
])
const validBodies = [
  seedSessionText,
  JSON.stringify({ sessions: ["session_abc_123", "session_xyz_456"] }),
  liveList,
  JSON.stringify({ detail: [{ loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" }] }),
  JSON.stringify({ error: { code: "session_not_found", message: "no such session" } }),
  JSON.stringify({ code: "rate_limit_exceeded", message: "slow down" }),
  "<html><body>502 Bad Gateway</body></html>"
]

const body: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.json(),
  fc.jsonValue().map((detail) => JSON.stringify({ detail })),
  fc.jsonValue().map((error) => JSON.stringify({ error, code: "x", message: "m" })),
  fc.string({ unit: "binary" }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constantFrom(...validBodies),
  fc.tuple(fc.constantFrom(...validBodies), fc.nat()).map(([valid, n]) => valid.slice(0, n % (valid.length + 1)))
)

const exchange = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  body,
  headers,
  route: fc.constantFrom("list", "get"),
  agentId: fc.oneof(fc.string(), fc.constantFrom("agent-1", "agt_a")),
  transportFailure: fc.integer({ min: 0, max: 19 }).map((n) => n === 0)
})

/** Runs the call to its end under the TestClock: every wait (≤ 60 s each, 2 retries) is adjusted past. */
const runToEnd = <A, E>(fiber: Fiber.RuntimeFiber<Exit.Exit<A, E>>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 6 && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust("61 seconds")
    return yield* Fiber.join(fiber)
  })

describe("JSON values", () => {
  for (const value of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
    it(`metadata holding ${value} is not a valid AgentSession (JSON cannot carry it)`, () => {
      const session = {
        id: "ase_b",
        agent_id: "agt_a",
        metadata: { n: value },
        enabled: true,
        created_at: "2024-01-15T10:30:00Z"
      }
      assert.isTrue(Either.isLeft(Schema.decodeUnknownEither(AgentSession)(session)))
    })
  }
})

describe("properties", () => {
  it.effect.prop(
    "any status, body and headers end in a value or one of the 12 documented errors, never a defect",
    [exchange],
    ([e]) =>
      Effect.gen(function*() {
        const handler = () => {
          if (e.transportFailure) throw new TypeError("fetch failed")
          return text(e.status, e.body, e.headers)
        }
        const call = (
          s: Service
        ): Effect.Effect<
          unknown,
          AgentSessionsError
        > => (e.route === "list" ? s.list(e.agentId) : s.get("agt_a", "ase_b"))
        const { fiber, sent } = yield* start(handler, call, { maxResponseBytes: 64 * 1024 })
        const exit = yield* runToEnd(fiber)
        assert.isAtMost(sent.length, 3 * 6)
        if (Exit.isFailure(exit)) {
          assert.isFalse(hasDefect(exit.cause), Cause.pretty(exit.cause))
          const failure = Cause.failureOption(exit.cause)
          assert.isTrue(Option.isSome(failure), Cause.pretty(exit.cause))
          const error = Option.getOrThrow(failure)
          assert.include(errorTags, error._tag)
          assert.notInclude(String(error), testKey)
        }
      }),
    { timeout, fastCheck }
  )

  const encode = Schema.encodeSync(AgentSession)
  // An absent optional field encodes as a key holding undefined, which JSON drops, and JSON has one zero:
  // compare without those.
  const withoutUndefined = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(withoutUndefined)
      : typeof value === "object" && value !== null
      ? Object.fromEntries(
        Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, withoutUndefined(v)])
      )
      : Object.is(value, -0)
      ? 0
      : value
  it.effect.prop(
    "a valid AgentSession round-trips through encode → JSON → get()",
    [Arbitrary.make(AgentSession)],
    ([session]) =>
      Effect.gen(function*() {
        const wire = encode(session)
        const { fiber } = yield* start(() => json(200, wire), (s) => s.get("agt_a", "ase_b"), { maxRetries: 0 })
        const exit = yield* Fiber.join(fiber)
        if (Exit.isFailure(exit)) return assert.fail(`${JSON.stringify(wire)}: ${Cause.pretty(exit.cause)}`)
        assert.deepStrictEqual(withoutUndefined(encode(exit.value)), withoutUndefined(wire))
      }),
    { timeout, fastCheck }
  )
})
