import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { baseUrl, failureOf, json, run, testKey } from "./support.ts"

const list = (agentId: string) => (sessions: { list: (id: string) => Effect.Effect<ReadonlyArray<string>, unknown> }) =>
  sessions.list(agentId)

describe("list", () => {
  it.effect("reads the session IDs from the documented {\"sessions\": [...]} shape", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => json(200, { sessions: ["session_abc_123", "session_xyz_456"] }),
        list("123444544354")
      )
      assert.deepStrictEqual(exit, Exit.succeed(["session_abc_123", "session_xyz_456"]))
    }))

  it.effect("reads the session IDs from the live service's bare array of session objects", () =>
    Effect.gen(function*() {
      const live = [
        { session_id: "s-1", session_name: "First", user_id: "u@example.com", created_at: "2024-01-15T10:30:00Z" },
        { session_id: "s-2", session_name: "Second", user_id: "u@example.com", created_at: "2024-01-16T10:30:00Z" }
      ]
      const { exit } = yield* run(() => json(200, live), list("6650a1b2c3d4e5f6a7b8c9d0"))
      assert.deepStrictEqual(exit, Exit.succeed(["s-1", "s-2"]))
    }))

  it.effect("gives an empty list for {\"sessions\": []}", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => json(200, { sessions: [] }), list("agent"))
      assert.deepStrictEqual(exit, Exit.succeed([]))
    }))

  it.effect("gives an empty list for a bare []", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => json(200, []), list("agent"))
      assert.deepStrictEqual(exit, Exit.succeed([]))
    }))

  it.effect("sends GET {base}/v1/agent/{id}/sessions with the x-api-key and accept headers", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(() => json(200, { sessions: [] }), list("123444544354"))
      assert.strictEqual(sent.length, 1)
      const [request] = sent
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.url.href, `${baseUrl}/v1/agent/123444544354/sessions`)
      assert.strictEqual(request!.headers.get("x-api-key"), testKey)
      assert.strictEqual(request!.headers.get("accept"), "application/json")
    }))

  it.effect("keeps the path prefix of a base URL", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(() => json(200, { sessions: [] }), list("a1"), {
        baseUrl: "https://gateway.example.com/lyzr/api/"
      })
      assert.strictEqual(sent[0]!.url.href, "https://gateway.example.com/lyzr/api/v1/agent/a1/sessions")
    }))

  for (const agentId of ["", ".", ".."]) {
    it.effect(`fails with InvalidRequest for the agent ID ${JSON.stringify(agentId)} without sending a request`, () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* run(() => json(200, { sessions: [] }), list(agentId))
        assert.strictEqual((failureOf(exit) as { _tag: string })._tag, "InvalidRequest")
        assert.strictEqual(sent.length, 0)
      }))
  }
})
