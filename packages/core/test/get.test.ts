import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Exit } from "effect"
import { AgentSession, type AgentSessionsError } from "../src/index.ts"
import { baseUrl, failureOf, json, run, seedSession, seedSessionText, testKey } from "./support.ts"

const seedGet = (s: { get: (a: string, b: string) => Effect.Effect<AgentSession, unknown> }) =>
  s.get("agt_customer_support", "ase_customer_support_001")

const ok = (body: unknown) => () => json(200, body)

const valueOf = <A>(exit: Exit.Exit<A, unknown>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected a value, got ${String(exit.cause)}`)
  return exit.value
}

describe("get", () => {
  it.effect("decodes the seed's example session with the wire's field names", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => new Response(seedSessionText, { headers: { "content-type": "application/json" } }),
        seedGet
      )
      const session = valueOf(exit)
      assert.instanceOf(session, AgentSession)
      assert.strictEqual(session.id, "ase_customer_support_001")
      assert.strictEqual(session.agent_id, "agt_customer_support")
      assert.strictEqual(
        session.description,
        "Customer support session for billing inquiry regarding account charges and payment processing issues"
      )
      assert.strictEqual(session.enabled, true)
    }))

  it.effect("decodes created_at to a DateTime.Utc", () =>
    Effect.gen(function*() {
      const session = valueOf((yield* run(ok(seedSession), seedGet)).exit)
      assert.isTrue(DateTime.isDateTime(session.created_at) && DateTime.isUtc(session.created_at))
      assert.strictEqual(DateTime.formatIso(session.created_at), "2024-01-15T10:30:00.000Z")
    }))

  for (const createdAt of ["1", "2024-01-15", "2024-01-15T10:30:00"]) {
    it.effect(`refuses created_at ${JSON.stringify(createdAt)} (not RFC 3339) with ResponseDecodeError`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run(ok({ ...seedSession, created_at: createdAt }), seedGet)
        const error = failureOf(exit) as AgentSessionsError
        assert.strictEqual(error._tag, "ResponseDecodeError")
        assert.include(error.message, "RFC 3339")
      }))
  }

  it.effect("reads created_at with a lowercase t and z, or an offset, as the same instant", () =>
    Effect.gen(function*() {
      for (const createdAt of ["2024-01-15t10:30:00z", "2024-01-15T12:30:00+02:00"]) {
        const session = valueOf((yield* run(ok({ ...seedSession, created_at: createdAt }), seedGet)).exit)
        assert.strictEqual(DateTime.formatIso(session.created_at), "2024-01-15T10:30:00.000Z")
      }
    }))

  it.effect("keeps metadata as JSON values (strings and numbers as sent)", () =>
    Effect.gen(function*() {
      const session = valueOf((yield* run(ok(seedSession), seedGet)).exit)
      assert.deepStrictEqual(session.metadata, seedSession.metadata as typeof session.metadata)
      assert.strictEqual(session.metadata.interaction_count, 8)
      assert.strictEqual(session.metadata.last_interaction, "2024-01-15T14:22:30Z")
    }))

  it.effect("keeps nested metadata (arrays, objects, null, booleans)", () =>
    Effect.gen(function*() {
      const metadata = { tags: ["a", 1, true, null], nested: { deep: { x: [{ y: null }] } }, flag: false }
      const session = valueOf((yield* run(ok({ ...seedSession, metadata }), seedGet)).exit)
      assert.deepStrictEqual(session.metadata, metadata)
    }))

  it.effect("sends GET {base}/v2/agents/{agent}/sessions/{session} with the x-api-key and accept headers", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(ok(seedSession), seedGet)
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0]!.method, "GET")
      assert.strictEqual(
        sent[0]!.url.href,
        `${baseUrl}/v2/agents/agt_customer_support/sessions/ase_customer_support_001`
      )
      assert.strictEqual(sent[0]!.headers.get("x-api-key"), testKey)
      assert.strictEqual(sent[0]!.headers.get("accept"), "application/json")
    }))

  it.effect("accepts a null description and null metadata", () =>
    Effect.gen(function*() {
      const session = valueOf((yield* run(ok({ ...seedSession, description: null, metadata: null }), seedGet)).exit)
      assert.strictEqual(session.description, undefined)
      assert.deepStrictEqual(session.metadata, {})
    }))

  it.effect("accepts a missing description and missing metadata", () =>
    Effect.gen(function*() {
      const { description: _d, metadata: _m, ...rest } = seedSession
      const session = valueOf((yield* run(ok(rest), seedGet)).exit)
      assert.strictEqual(session.description, undefined)
      assert.deepStrictEqual(session.metadata, {})
    }))

  it.effect("ignores fields the service adds", () =>
    Effect.gen(function*() {
      const session = valueOf(
        (yield* run(ok({ ...seedSession, updated_at: "2024-02-01T00:00:00Z", owner: { id: 1 } }), seedGet)).exit
      )
      assert.strictEqual(session.id, "ase_customer_support_001")
      assert.notProperty(session, "updated_at")
    }))

  const badIds: ReadonlyArray<[string, string, string]> = [
    ["an agent ID without agt_", "customer_support", "ase_1"],
    ["an empty agent ID", "", "ase_1"],
    ["a 24-hex agent ID", "6650a1b2c3d4e5f6a7b8c9d0", "ase_1"],
    ["an agent ID with a slash", "agt_a/../b", "ase_1"],
    ["an agent ID with a trailing newline", "agt_a\n", "ase_1"],
    ["a session ID without ase_", "agt_a", "session_abc_123"],
    ["an empty session ID", "agt_a", ""],
    ["a session ID with a query", "agt_a", "ase_1?x=1"],
    ["a session ID with unicode", "agt_a", "ase_é"],
    ["the bare prefix agt_", "agt_", "ase_1"]
  ]
  for (const [what, agentId, sessionId] of badIds) {
    it.effect(`fails with InvalidRequest for ${what} without sending a request`, () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* run(ok(seedSession), (s) => s.get(agentId, sessionId))
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "InvalidRequest")
        assert.strictEqual(error.status, undefined)
        assert.strictEqual(sent.length, 0)
      }))
  }
})
