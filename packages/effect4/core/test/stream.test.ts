/**
 * `SessionStream` on Effect 4 (no `Request.Cache` any more): gets of one session coalesce while in flight,
 * a cache from `makeCache` keeps successes for its time to live (on `TestClock`) and never failures, and a
 * cache never hands one service's session to another.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import { TestClock } from "effect/testing"
import { AgentSessions, SessionStream } from "../src/index.ts"
import { agent, fakeServer, json, never, recordingTracer, seedSession, testKey, text } from "./support.ts"

/** A server with these sessions (listed in this order); the gets of `failing` answer 503. */
const server = (ids: ReadonlyArray<string>, options: { readonly failing?: ReadonlySet<string> } = {}) => {
  const gets: Array<string> = []
  const fake = fakeServer((request) => {
    const path = new URL(request.url).pathname
    if (path.startsWith("/v1/")) return json(200, { sessions: ids })
    const id = path.split("/").at(-1)!
    gets.push(id)
    return options.failing?.has(id) ? text(503, "") : json(200, { ...seedSession, id })
  })
  const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(fake.layer), Layer.orDie)
  return { gets, layer }
}

describe("SessionStream.streamAll", () => {
  it.effect("every session, in list order, as Fetched results", () =>
    Effect.gen(function*() {
      const { layer } = server(["ase_3", "ase_1", "ase_2"])
      const results = yield* Stream.runCollect(SessionStream.streamAll(agent)).pipe(Effect.provide(layer))
      assert.deepStrictEqual(results.map((r) => r._tag), ["Fetched", "Fetched", "Fetched"])
      assert.deepStrictEqual(results.map((r) => r.sessionId), ["ase_3", "ase_1", "ase_2"])
      assert.isTrue(SessionStream.SessionResult.$is("Fetched")(results[0]!) && results[0].session.id === "ase_3")
    }))

  it.effect("a session that cannot be read is a Failed value and the rest go on", () =>
    Effect.gen(function*() {
      const { layer } = server(["ase_1", "ase_2", "ase_3"], { failing: new Set(["ase_2"]) })
      const results = yield* Stream.runCollect(SessionStream.streamAll(agent)).pipe(Effect.provide(layer))
      assert.deepStrictEqual(results.map((r) => r._tag), ["Fetched", "Failed", "Fetched"])
      const failed = results[1]!
      assert.isTrue(failed._tag === "Failed" && failed.error._tag === "ServerError")
    }))

  it.effect("failFast: the sessions themselves, and the first error fails the stream", () =>
    Effect.gen(function*() {
      const ok = server(["ase_1", "ase_2"])
      const sessions = yield* Stream.runCollect(SessionStream.streamAll(agent, { failFast: true })).pipe(
        Effect.provide(ok.layer)
      )
      assert.deepStrictEqual(sessions.map((s) => s.id), ["ase_1", "ase_2"])
      const failing = server(["ase_1", "ase_2"], { failing: new Set(["ase_2"]) })
      const error = yield* Effect.flip(
        Stream.runCollect(SessionStream.streamAll(agent, { failFast: true })).pipe(Effect.provide(failing.layer))
      )
      assert.strictEqual(error._tag, "ServerError")
    }))

  it.effect("an error of list fails the stream", () =>
    Effect.gen(function*() {
      const fake = fakeServer(() => json(401, { detail: "no" }))
      const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(fake.layer), Layer.orDie)
      const error = yield* Effect.flip(Stream.runCollect(SessionStream.streamAll(agent)).pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag, "Unauthorized")
    }))

  it.effect("the same session listed twice while in flight is fetched once", () =>
    Effect.gen(function*() {
      // Gets wait until released, so the listed IDs are in flight at once.
      const gets: Array<string> = []
      const release: Array<() => void> = []
      const fake = fakeServer((request) => {
        const path = new URL(request.url).pathname
        if (path.startsWith("/v1/")) return json(200, { sessions: ["ase_1", "ase_2", "ase_1"] })
        const id = path.split("/").at(-1)!
        gets.push(id)
        return new Promise<Response>((resolve) => release.push(() => resolve(json(200, { ...seedSession, id }))))
      })
      const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(fake.layer), Layer.orDie)
      const fiber = yield* Stream.runCollect(SessionStream.streamAll(agent, { concurrency: 4 })).pipe(
        Effect.provide(layer),
        Effect.forkChild
      )
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(gets, ["ase_1", "ase_2"])
      for (const go of release) go()
      const results = yield* Fiber.join(fiber)
      assert.deepStrictEqual(results.map((r) => r._tag === "Fetched" && r.session.id), ["ase_1", "ase_2", "ase_1"])
      assert.strictEqual(gets.length, 2)
    }))

  it.effect("without a cache, nothing is kept between runs", () =>
    Effect.gen(function*() {
      const { gets, layer } = server(["ase_1"])
      yield* Stream.runDrain(SessionStream.streamAll(agent)).pipe(Effect.provide(layer))
      yield* Stream.runDrain(SessionStream.streamAll(agent)).pipe(Effect.provide(layer))
      assert.deepStrictEqual(gets, ["ase_1", "ase_1"])
    }))

  it.effect("streamEach: the given IDs, in order, without a list", () =>
    Effect.gen(function*() {
      const { layer } = server([])
      const results = yield* Stream.runCollect(SessionStream.streamEach(agent, ["ase_2", "ase_1"])).pipe(
        Effect.provide(layer)
      )
      assert.deepStrictEqual(results.map((r) => r.sessionId), ["ase_2", "ase_1"])
    }))

  it.effect("an interrupted run leaves no get running", () =>
    Effect.gen(function*() {
      const signals: Array<AbortSignal> = []
      const fake = fakeServer((request) => {
        if (new URL(request.url).pathname.startsWith("/v1/")) return json(200, { sessions: ["ase_1", "ase_2"] })
        signals.push(request.signal)
        return never()
      })
      const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0 }).pipe(Layer.provide(fake.layer), Layer.orDie)
      const fiber = yield* Stream.runDrain(SessionStream.streamAll(agent)).pipe(Effect.provide(layer), Effect.forkChild)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(signals.length, 2)
      yield* Fiber.interrupt(fiber)
      assert.isTrue(signals.every((signal) => signal.aborted))
    }))
})

describe("SessionStream.makeCache", () => {
  it.effect("a session read within the time to live is not requested again; after it, it is", () =>
    Effect.gen(function*() {
      const { gets, layer } = server(["ase_1", "ase_2"])
      const cache = yield* SessionStream.makeCache({ timeToLive: "30 seconds" })
      const once = Stream.runDrain(SessionStream.streamAll(agent, { cache }))
      yield* Effect.gen(function*() {
        yield* once
        assert.strictEqual(gets.length, 2)
        yield* TestClock.adjust("29 seconds")
        yield* once
        assert.strictEqual(gets.length, 2, "within 30 s only the list is requested again")
        yield* TestClock.adjust("2 seconds")
        yield* once
        assert.strictEqual(gets.length, 4, "after 30 s both are read again")
      }).pipe(Effect.provide(layer))
    }))

  it.effect("failures are not kept", () =>
    Effect.gen(function*() {
      const { gets, layer } = server(["ase_1"], { failing: new Set(["ase_1"]) })
      const cache = yield* SessionStream.makeCache({ timeToLive: "1 hour" })
      const once = Stream.runCollect(SessionStream.streamAll(agent, { cache }))
      const [first, second] = yield* Effect.all([once, once]).pipe(Effect.provide(layer))
      assert.strictEqual(first[0]!._tag, "Failed")
      assert.strictEqual(second[0]!._tag, "Failed")
      assert.strictEqual(gets.length, 2)
    }))

  it.effect("one cache, two services (two keys): neither is handed the other's sessions", () =>
    Effect.gen(function*() {
      const a = server(["ase_1"])
      const b = server(["ase_1"])
      const cache = yield* SessionStream.makeCache({ timeToLive: "1 hour" })
      const twice = Effect.all([
        Stream.runDrain(SessionStream.streamAll(agent, { cache })),
        Stream.runDrain(SessionStream.streamAll(agent, { cache }))
      ])
      yield* twice.pipe(Effect.provide(a.layer))
      yield* twice.pipe(Effect.provide(b.layer))
      assert.deepStrictEqual(a.gets, ["ase_1"], "the second run of a is served from the cache")
      assert.deepStrictEqual(b.gets, ["ase_1"], "b reads its own session once, never a's")
    }))

  it.effect("the same session ID under two agents is two entries", () =>
    Effect.gen(function*() {
      const { gets, layer } = server(["ase_1"])
      const cache = yield* SessionStream.makeCache({ timeToLive: "1 hour" })
      yield* Effect.all([
        Stream.runDrain(SessionStream.streamEach("agt_a", ["ase_1"], { cache })),
        Stream.runDrain(SessionStream.streamEach("agt_b", ["ase_1"], { cache })),
        Stream.runDrain(SessionStream.streamEach("agt_a", ["ase_1"], { cache }))
      ]).pipe(Effect.provide(layer))
      assert.strictEqual(gets.length, 2)
    }))

  it.effect("the stream has its span, AgentSessions.streamAll, with the agent and the concurrency", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { layer } = server(["ase_1"])
      yield* Stream.runDrain(SessionStream.streamAll(agent, { concurrency: 2 })).pipe(
        Effect.provide(layer),
        Effect.withTracer(tracer)
      )
      const span = spans.find((s) => s.name === "AgentSessions.streamAll")
      assert.isDefined(span)
      assert.strictEqual(span!.attributes.get("lyzr.agent_id"), agent)
      assert.strictEqual(span!.attributes.get("lyzr.concurrency"), 2)
      const get = spans.find((s) => s.name === "AgentSessions.get")!
      assert.isTrue(get.parent._tag === "Some" && get.parent.value.spanId === span!.spanId)
    }))
})
