/**
 * The service over Effect 4's `HttpClient`: what it sends, what it reads, and what each request's fiber
 * context holds (the `RequestInit` with `redirect: "manual"`, the client span turned off).
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Exit, Layer } from "effect"
import { AgentSession, AgentSessions } from "../src/index.ts"
import {
  agent,
  failureOf,
  json,
  run,
  seedSession,
  seedSessionText,
  session,
  sessionsWith,
  testKey,
  text
} from "./support.ts"

describe("AgentSessions on Effect 4", () => {
  it.effect("get sends GET /v2/agents/{agent}/sessions/{session} with the key and accept headers", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(() => text(200, seedSessionText), (s) => s.get(agent, session))
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0]!.method, "GET")
      assert.strictEqual(sent[0]!.url.href, `https://agent-prod.studio.lyzr.ai/v2/agents/${agent}/sessions/${session}`)
      assert.strictEqual(sent[0]!.headers.get("x-api-key"), testKey)
      assert.strictEqual(sent[0]!.headers.get("accept"), "application/json")
    }))

  it.effect("get decodes the seed's session to an AgentSession with a DateTime.Utc created_at", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => text(200, seedSessionText), (s) => s.get(agent, session))
      assert.isTrue(Exit.isSuccess(exit))
      const value = (exit as Exit.Success<AgentSession>).value
      assert.instanceOf(value, AgentSession)
      assert.strictEqual(value.id, seedSession.id)
      assert.strictEqual(DateTime.formatIso(value.created_at), "2024-01-15T10:30:00.000Z")
      assert.deepStrictEqual(value.metadata, seedSession.metadata as AgentSession["metadata"])
    }))

  it.effect("list sends GET /v1/agent/{agent}/sessions under a base URL's path", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(() => json(200, { sessions: [] }), (s) => s.list("agt/../x"), {
        baseUrl: "https://api.example.com/lyzr/"
      })
      assert.strictEqual(sent[0]!.url.href, "https://api.example.com/lyzr/v1/agent/agt%2F..%2Fx/sessions")
    }))

  it.effect("list reads the documented shape and the live service's bare array alike", () =>
    Effect.gen(function*() {
      const documented = yield* run(() => json(200, { sessions: ["ase_1", "ase_2"] }), (s) => s.list(agent))
      const live = yield* run(
        () => json(200, [{ session_id: "ase_1", session_name: "a" }, { session_id: "ase_2", user_id: "u" }]),
        (s) => s.list(agent)
      )
      assert.deepStrictEqual(documented.exit, Exit.succeed(["ase_1", "ase_2"]))
      assert.deepStrictEqual(live.exit, Exit.succeed(["ase_1", "ase_2"]))
    }))

  it.effect("each request runs with FetchHttpClient.RequestInit redirect: manual and the client span off", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(() => json(200, { sessions: [] }), (s) => s.list(agent))
      assert.strictEqual(sent[0]!.redirect, "manual")
      assert.isTrue(sent[0]!.tracerDisabled)
      assert.isUndefined(sent[0]!.attempt, "a client without HonoursAttempt gets no CurrentAttempt")
      assert.isNull(sent[0]!.headers.get("traceparent"), "no trace headers leave with the key")
    }))

  it.effect("an ID that cannot be sent fails with InvalidRequest and no request", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(() => json(200, seedSession), (s) => s.get("agent-1", session))
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.include(error.message, "agent_id must match")
      assert.strictEqual(sent.length, 0)
    }))

  it.effect("the service is a Context.Service: yield* AgentSessions inside Effect.gen", () =>
    Effect.gen(function*() {
      const { layer } = sessionsWith(() => json(200, { sessions: ["ase_1"] }))
      const ids = yield* Effect.gen(function*() {
        const sessions = yield* AgentSessions
        return yield* sessions.list(agent)
      }).pipe(Effect.provide(Layer.orDie(layer)))
      assert.deepStrictEqual(ids, ["ase_1"])
    }))
})
