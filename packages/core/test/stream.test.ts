import { assert, describe, expectTypeOf, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Fiber, Layer, Schema, Stream, TestClock } from "effect"
import {
  AgentNotFound,
  AgentSession,
  AgentSessions,
  type AgentSessionsError,
  type AgentSessionsService,
  type ListError,
  SessionNotFound,
  SessionStream,
  Unauthorized
} from "../src/index.ts"
import { json, seedSession, sessionsWith } from "./support.ts"

const agentId = "agt_stream"

const sessionOf = (id: string): AgentSession =>
  Schema.decodeUnknownSync(AgentSession)({ ...seedSession, id, agent_id: agentId })

interface StubOptions {
  /** What `list` returns (or fails with). */
  readonly ids: ReadonlyArray<string> | AgentSessionsError
  /** Per session: how long its `get` takes, and what it fails with. */
  readonly delay?: (sessionId: string) => Duration.DurationInput
  readonly fail?: (sessionId: string, call: number) => AgentSessionsError | undefined
}

/** A service whose `get` counts its calls and the calls in flight; sessions exist for every ID. */
const stub = (options: StubOptions) => {
  const calls: Array<string> = []
  let inFlight = 0
  let maxInFlight = 0
  const service: AgentSessionsService = {
    list: () => Array.isArray(options.ids) ? Effect.succeed(options.ids) : Effect.fail(options.ids as ListError),
    get: (_, sessionId) =>
      Effect.gen(function*() {
        calls.push(sessionId)
        const call = calls.filter((id) => id === sessionId).length
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        const delay = Duration.decode(options.delay?.(sessionId) ?? 0)
        yield* Duration.toMillis(delay) > 0 ? Effect.sleep(delay) : Effect.yieldNow()
        inFlight--
        const error = options.fail?.(sessionId, call)
        return error === undefined ? sessionOf(sessionId) : yield* Effect.fail(error)
      })
  }
  return {
    calls,
    maxInFlight: () => maxInFlight,
    layer: Layer.succeed(AgentSessions, service)
  }
}

const notFound = (sessionId: string) => new SessionNotFound({ message: `no ${sessionId}`, status: 404 })

const summary = (result: SessionStream.SessionResult) =>
  SessionStream.SessionResult.$match(result, {
    Fetched: ({ session, sessionId }) => `${sessionId}: ${session.id}`,
    Failed: ({ error, sessionId }) => `${sessionId}: ${error._tag}`
  })

/** Runs the stream in a fiber and moves the TestClock on by `elapse`, as timing tests must. */
const collectAfter = <A, E, R>(stream: Stream.Stream<A, E, R>, elapse: Duration.DurationInput) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Stream.runCollect(stream))
    yield* TestClock.adjust(elapse)
    return Chunk.toReadonlyArray(yield* Fiber.join(fiber))
  })

describe("SessionStream.streamAll", () => {
  it.effect("emits every listed session in list order, however the gets finish", () =>
    Effect.gen(function*() {
      const ids = ["ase_a", "ase_b", "ase_c", "ase_d"]
      // The first listed takes longest, so completion order is the reverse of list order.
      const api = stub({ ids, delay: (id) => Duration.millis(100 * (ids.length - ids.indexOf(id))) })
      const results = yield* collectAfter(SessionStream.streamAll(agentId, { concurrency: 4 }), "1 second").pipe(
        Effect.provide(api.layer)
      )
      assert.deepStrictEqual(results.map(summary), ["ase_a: ase_a", "ase_b: ase_b", "ase_c: ase_c", "ase_d: ase_d"])
    }))

  it.effect("runs at most `concurrency` gets at once, and that many in parallel", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_1", "ase_2", "ase_3", "ase_4", "ase_5", "ase_6"], delay: () => "100 millis" })
      const results = yield* collectAfter(SessionStream.streamAll(agentId, { concurrency: 2 }), "300 millis").pipe(
        Effect.provide(api.layer)
      )
      assert.strictEqual(results.length, 6)
      assert.strictEqual(api.maxInFlight(), 2)
    }))

  it.effect("defaults to SessionStream.defaultConcurrency gets at once", () =>
    Effect.gen(function*() {
      const ids = Array.from({ length: 10 }, (_, i) => `ase_${i}`)
      const api = stub({ ids, delay: () => "100 millis" })
      yield* collectAfter(SessionStream.streamAll(agentId), "1 second").pipe(Effect.provide(api.layer))
      assert.strictEqual(api.maxInFlight(), SessionStream.defaultConcurrency)
    }))

  it.effect("coalesces concurrent gets of the same session into one call, emitting it at each place", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_a", "ase_a", "ase_b", "ase_a"], delay: () => "100 millis" })
      const results = yield* collectAfter(SessionStream.streamAll(agentId, { concurrency: 4 }), "100 millis").pipe(
        Effect.provide(api.layer)
      )
      assert.deepStrictEqual(results.map(summary), ["ase_a: ase_a", "ase_a: ase_a", "ase_b: ase_b", "ase_a: ase_a"])
      assert.deepStrictEqual([...api.calls].sort(), ["ase_a", "ase_b"])
    }))

  it.effect("reports a session that fails as Failed with its ID and typed error, and fetches the rest", () =>
    Effect.gen(function*() {
      const api = stub({
        ids: ["ase_a", "ase_gone", "ase_c"],
        fail: (id) => id === "ase_gone" ? notFound(id) : undefined
      })
      const results = yield* Stream.runCollect(SessionStream.streamAll(agentId)).pipe(Effect.provide(api.layer))
      assert.deepStrictEqual(Chunk.toReadonlyArray(results).map(summary), [
        "ase_a: ase_a",
        "ase_gone: SessionNotFound",
        "ase_c: ase_c"
      ])
      const failed = Chunk.toReadonlyArray(results).find(SessionStream.SessionResult.$is("Failed"))
      assert.instanceOf(failed?.error, SessionNotFound)
    }))

  it.effect("with failFast, fails the stream with the first session's typed error", () =>
    Effect.gen(function*() {
      const api = stub({
        ids: ["ase_a", "ase_gone", "ase_c"],
        fail: (id) => id === "ase_gone" ? notFound(id) : undefined
      })
      const error = yield* Stream.runCollect(SessionStream.streamAll(agentId, { failFast: true })).pipe(
        Effect.flip,
        Effect.provide(api.layer)
      )
      assert.instanceOf(error, SessionNotFound)
      assert.strictEqual(error.message, "no ase_gone")
    }))

  it.effect("with failFast, emits the sessions themselves", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_a", "ase_b"] })
      const sessions = yield* Stream.runCollect(SessionStream.streamAll(agentId, { failFast: true })).pipe(
        Effect.provide(api.layer)
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(sessions).map((s) => s.id), ["ase_a", "ase_b"])
      assert.instanceOf(Chunk.unsafeGet(sessions, 0), AgentSession)
    }))

  it.effect("fails the stream with the error of list, in both modes", () =>
    Effect.gen(function*() {
      const api = stub({ ids: new Unauthorized({ message: "bad key", status: 401 }) })
      const tolerant = yield* Stream.runCollect(SessionStream.streamAll(agentId)).pipe(
        Effect.flip,
        Effect.provide(api.layer)
      )
      const failFast = yield* Stream.runCollect(SessionStream.streamAll(agentId, { failFast: true })).pipe(
        Effect.flip,
        Effect.provide(api.layer)
      )
      assert.instanceOf(tolerant, Unauthorized)
      assert.instanceOf(failFast, Unauthorized)
      assert.deepStrictEqual(api.calls, [])
    }))

  it.effect("emits nothing for an agent without sessions", () =>
    Effect.gen(function*() {
      const api = stub({ ids: [] })
      const results = yield* Stream.runCollect(SessionStream.streamAll(agentId)).pipe(Effect.provide(api.layer))
      assert.strictEqual(results.length, 0)
    }))

  it.effect("without a shared cache, a second run requests every session again", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_a", "ase_b"] })
      yield* Effect.provide(
        Effect.zipRight(
          Stream.runDrain(SessionStream.streamAll(agentId)),
          Stream.runDrain(SessionStream.streamAll(agentId))
        ),
        api.layer
      )
      assert.deepStrictEqual(api.calls, ["ase_a", "ase_b", "ase_a", "ase_b"])
    }))
})

describe("SessionStream.makeCache", () => {
  it.effect("serves sessions again within its time to live without a request", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_a", "ase_b"] })
      const again = yield* Effect.gen(function*() {
        const cache = yield* SessionStream.makeCache({ timeToLive: "1 minute" })
        const stream = SessionStream.streamAll(agentId, { cache })
        yield* Stream.runDrain(stream)
        yield* TestClock.adjust("59 seconds")
        return yield* Stream.runCollect(stream)
      }).pipe(Effect.provide(api.layer))
      assert.deepStrictEqual(Chunk.toReadonlyArray(again).map(summary), ["ase_a: ase_a", "ase_b: ase_b"])
      assert.deepStrictEqual(api.calls, ["ase_a", "ase_b"])
    }))

  it.effect("requests sessions again once its time to live has passed", () =>
    Effect.gen(function*() {
      const api = stub({ ids: ["ase_a", "ase_b"] })
      const run = Effect.gen(function*() {
        const cache = yield* SessionStream.makeCache({ timeToLive: "1 minute" })
        const stream = SessionStream.streamAll(agentId, { cache })
        yield* Stream.runDrain(stream)
        yield* TestClock.adjust("61 seconds")
        yield* Stream.runDrain(stream)
      })
      yield* Effect.provide(run, api.layer)
      assert.deepStrictEqual(api.calls, ["ase_a", "ase_b", "ase_a", "ase_b"])
    }))

  it.effect("never keeps a failure: the next run asks again", () =>
    Effect.gen(function*() {
      const api = stub({
        ids: ["ase_a"],
        fail: (id, call) => call === 1 ? new AgentNotFound({ message: `flaky ${id}`, status: 404 }) : undefined
      })
      const results = yield* Effect.gen(function*() {
        const cache = yield* SessionStream.makeCache({ timeToLive: "1 minute" })
        const first = yield* Stream.runCollect(SessionStream.streamAll(agentId, { cache }))
        const second = yield* Stream.runCollect(SessionStream.streamAll(agentId, { cache }))
        return [...first, ...second].map(summary)
      }).pipe(Effect.provide(api.layer))
      assert.deepStrictEqual(results, ["ase_a: AgentNotFound", "ase_a: ase_a"])
      assert.deepStrictEqual(api.calls, ["ase_a", "ase_a"])
    }))

  it.effect("never hands a session read through one service to another service", () =>
    Effect.gen(function*() {
      const first = stub({ ids: ["ase_a"] })
      const second = stub({ ids: ["ase_a"] })
      const cache = yield* SessionStream.makeCache({ timeToLive: "1 minute" })
      yield* Stream.runDrain(SessionStream.streamAll(agentId, { cache })).pipe(Effect.provide(first.layer))
      yield* Stream.runDrain(SessionStream.streamAll(agentId, { cache })).pipe(Effect.provide(second.layer))
      assert.deepStrictEqual(first.calls, ["ase_a"])
      assert.deepStrictEqual(second.calls, ["ase_a"])
    }))
})

describe("SessionStream.streamEach", () => {
  it.effect("fetches the given sessions in the given order without listing", () =>
    Effect.gen(function*() {
      const api = stub({
        ids: new Unauthorized({ message: "list must not be called" }),
        fail: (id) => id === "ase_x" ? notFound(id) : undefined
      })
      const results = yield* Stream.runCollect(SessionStream.streamEach(agentId, ["ase_b", "ase_x", "ase_a"])).pipe(
        Effect.provide(api.layer)
      )
      assert.deepStrictEqual(Chunk.toReadonlyArray(results).map(summary), [
        "ase_b: ase_b",
        "ase_x: SessionNotFound",
        "ase_a: ase_a"
      ])
    }))

  it.effect("with failFast, fails with the typed error of the failing get", () =>
    Effect.gen(function*() {
      const api = stub({ ids: [], fail: (id) => id === "ase_x" ? notFound(id) : undefined })
      const error = yield* Stream.runDrain(SessionStream.streamEach(agentId, ["ase_a", "ase_x"], { failFast: true }))
        .pipe(
          Effect.flip,
          Effect.provide(api.layer)
        )
      assert.instanceOf(error, SessionNotFound)
    }))
})

describe("SessionStream.streamAll over HTTP", () => {
  it.effect("lists, then gets each session; a 404 becomes a Failed SessionNotFound", () =>
    Effect.gen(function*() {
      const server = sessionsWith((request) => {
        const path = new URL(request.url).pathname
        if (path === `/v1/agent/${agentId}/sessions`) {
          return json(200, [{ session_id: "ase_one" }, { session_id: "ase_missing" }])
        }
        if (path.endsWith("/ase_missing")) return json(404, { error: { code: "session_not_found", message: "gone" } })
        return json(200, { ...seedSession, id: path.split("/").pop(), agent_id: agentId })
      })
      const results = yield* Stream.runCollect(SessionStream.streamAll(agentId)).pipe(Effect.provide(server.layer))
      assert.deepStrictEqual(Chunk.toReadonlyArray(results).map(summary), [
        "ase_one: ase_one",
        "ase_missing: SessionNotFound"
      ])
      assert.deepStrictEqual(server.sent.map((s) => s.url.pathname), [
        `/v1/agent/${agentId}/sessions`,
        `/v2/agents/${agentId}/sessions/ase_one`,
        `/v2/agents/${agentId}/sessions/ase_missing`
      ])
    }))
})

describe("SessionStream types", () => {
  it("names only the errors each mode can raise", () => {
    expectTypeOf(SessionStream.streamAll(agentId)).toEqualTypeOf<
      Stream.Stream<SessionStream.SessionResult, ListError, AgentSessions>
    >()
    expectTypeOf(SessionStream.streamAll(agentId, { failFast: true })).toEqualTypeOf<
      Stream.Stream<AgentSession, AgentSessionsError, AgentSessions>
    >()
    expectTypeOf(SessionStream.streamEach(agentId, [])).toEqualTypeOf<
      Stream.Stream<SessionStream.SessionResult, never, AgentSessions>
    >()
    expectTypeOf(SessionStream.streamEach(agentId, [], { failFast: true })).toEqualTypeOf<
      Stream.Stream<AgentSession, AgentSessionsError, AgentSessions>
    >()
    expectTypeOf<SessionStream.SessionResult.Failed["error"]>().toEqualTypeOf<AgentSessionsError>()
  })
})
