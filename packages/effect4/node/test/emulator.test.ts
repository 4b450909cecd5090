/**
 * NodeLyzr (Effect 4) against the emulator's Node host, over real loopback sockets: both endpoints, the
 * documented errors, a malformed body, faults healed by a retry, a reset, a hang ended by the transport's
 * deadline, and the body cap.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  AgentSessions,
  type AgentSessionsOptions,
  type AgentSessionsService,
  RetryPolicy
} from "@lyzr-effect/effect4-core"
import { NodeLyzr } from "@lyzr-effect/effect4-node"
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { DateTime, Effect, Layer } from "effect"

const agent = "agt_customer_support"
const session = "ase_customer_support_001"

/** An emulator served on an ephemeral loopback port for the scope's lifetime. */
const hosted = (options?: Emulator.Options) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const emulator = Emulator.make(options)
      return { emulator, server: await serveNode(emulator) }
    }),
    ({ server }) => Effect.promise(() => server.close())
  )

const sessionsAt = (url: string, options: Partial<AgentSessionsOptions> = {}) =>
  Layer.orDie(NodeLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: url, maxRetries: 0, ...options }))

const call = <A, E>(
  url: string,
  f: (s: AgentSessionsService) => Effect.Effect<A, E>,
  options?: Partial<AgentSessionsOptions>
) => Effect.flatMap(AgentSessions, f).pipe(Effect.provide(sessionsAt(url, options)))

const get = (s: AgentSessionsService) => s.get(agent, session)
const list = (s: AgentSessionsService) => s.list(agent)

describe("NodeLyzr against the emulator's Node host", () => {
  it.live("get returns the seed's session", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      const result = yield* call(server.url, get)
      assert.strictEqual(result.id, session)
      assert.strictEqual(result.agent_id, agent)
      assert.strictEqual(DateTime.formatIso(result.created_at), "2024-01-15T10:30:00.000Z")
      assert.strictEqual(result.metadata.priority, "high")
    }))

  it.live("list returns the same IDs from the documented and the live shape", () =>
    Effect.gen(function*() {
      const documented = yield* hosted({ listShape: "documented" })
      const live = yield* hosted({ listShape: "live" })
      const a = yield* call(documented.server.url, list)
      const b = yield* call(live.server.url, list)
      assert.include(a, session)
      assert.deepStrictEqual(b, a)
    }))

  it.live("an unknown key is Unauthorized; a key without access to the agent is Forbidden", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      const unknown = yield* Effect.flip(call(server.url, get, { apiKey: "sk-nope" }))
      assert.strictEqual(unknown._tag, "Unauthorized")
      assert.strictEqual(unknown.status, 401)
      const restricted = yield* Effect.flip(
        call(server.url, (s) => s.get("agt_sales_assistant", "ase_sales_lead_101"), {
          apiKey: Emulator.keys.restricted
        })
      )
      assert.strictEqual(restricted._tag, "Forbidden")
    }))

  it.live("an unknown session is SessionNotFound; an unknown agent AgentNotFound, on get and on list", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      assert.strictEqual(
        (yield* Effect.flip(call(server.url, (s) => s.get(agent, "ase_missing"))))._tag,
        "SessionNotFound"
      )
      assert.strictEqual(
        (yield* Effect.flip(call(server.url, (s) => s.get("agt_missing", "ase_missing"))))._tag,
        "AgentNotFound"
      )
      assert.strictEqual((yield* Effect.flip(call(server.url, (s) => s.list("agt_missing"))))._tag, "AgentNotFound")
    }))

  it.live("a malformed 200 body is a ResponseDecodeError with the excerpt", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "malformed" } }] })
      const error = yield* Effect.flip(call(server.url, get))
      assert.strictEqual(error._tag, "ResponseDecodeError")
      assert.include(error.message, "is not JSON")
      assert.isDefined(error.body)
    }))

  it.live("a 429 is healed by a retry (Retry-After: 0)", () =>
    Effect.gen(function*() {
      const { emulator, server } = yield* hosted({
        faults: [{ route: "get", times: 1, fault: { type: "rateLimit", retryAfter: "0" } }]
      })
      const result = yield* call(server.url, get, { maxRetries: 2 })
      assert.strictEqual(result.id, session)
      assert.deepStrictEqual(emulator.requests.map((r) => r.status), [429, 200])
    }))

  it.live("a connection reset before the headers is a TransportError naming host and port", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "reset" } }] })
      const error = yield* Effect.flip(call(server.url, get))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, `127.0.0.1:${server.port}`)
    }))

  it.live("a reset mid-body is a TransportError about the body, and a retry heals it", () =>
    Effect.gen(function*() {
      const { emulator, server } = yield* hosted({
        faults: [{ route: "get", times: 1, fault: { type: "reset", when: "midBody" } }]
      })
      const error = yield* Effect.flip(call(server.url, get))
      assert.strictEqual(error._tag, "TransportError")
      assert.include(error.message, "broke while reading the response body")
      emulator.inject({ route: "get", times: 1, fault: { type: "reset", when: "midBody" } })
      const healed = yield* call(server.url, get, { retryPolicy: RetryPolicy.make({ maxRetries: 1, initialDelay: 0 }) })
      assert.strictEqual(healed.id, session)
    }))

  it.live("a server that hangs ends in RequestTimeout at the transport's deadline", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "hang" } }] })
      const started = Date.now()
      const error = yield* Effect.flip(call(server.url, get, { timeout: "300 millis" }))
      const elapsed = Date.now() - started
      assert.strictEqual(error._tag, "RequestTimeout")
      assert.include(error.message, "took longer than 300 ms (the per-attempt timeout)")
      assert.isAtLeast(elapsed, 290)
      assert.isBelow(elapsed, 5000)
    }))

  it.live("a body past maxResponseBytes (streamed, no length) is cut: UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "list", fault: { type: "hugeBody", bytes: 1024 * 1024 } }] })
      const error = yield* Effect.flip(call(server.url, list, { maxResponseBytes: 64 * 1024 }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "passed the 65536-byte cap (maxResponseBytes)")
    }))
})
