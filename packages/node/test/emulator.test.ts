/**
 * Conformance: NodeLyzr against the emulator's Node host, over real loopback sockets.
 */
import { describe, expect, it } from "@effect/vitest"
import { AgentSessions, type AgentSessionsOptions } from "@lyzr-effect/core"
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Layer } from "effect"

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

const get = (agentId = agent, sessionId = session) =>
  Effect.flatMap(AgentSessions, (sessions) => sessions.get(agentId, sessionId))
const list = (agentId = agent) => Effect.flatMap(AgentSessions, (sessions) => sessions.list(agentId))

describe("NodeLyzr against the emulator's Node host", () => {
  it.scopedLive("get returns the seed's example session", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      const result = yield* get().pipe(Effect.provide(sessionsAt(server.url)))
      expect(result.id).toBe(session)
      expect(result.agent_id).toBe(agent)
    }))

  it.scopedLive("list returns the same IDs from the documented and the live shape", () =>
    Effect.gen(function*() {
      const documented = yield* hosted({ listShape: "documented" })
      const live = yield* hosted({ listShape: "live" })
      const a = yield* list().pipe(Effect.provide(sessionsAt(documented.server.url)))
      const b = yield* list().pipe(Effect.provide(sessionsAt(live.server.url)))
      expect(a.length).toBeGreaterThan(0)
      expect(a).toContain(session)
      expect(b).toEqual(a)
    }))

  it.scopedLive("an unknown key fails with Unauthorized, a key without access with Forbidden", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      const unknown = yield* Effect.flip(get().pipe(Effect.provide(sessionsAt(server.url, { apiKey: "sk-nope" }))))
      expect(unknown._tag).toBe("Unauthorized")
      const restricted = yield* Effect.flip(
        get("agt_sales_assistant", "ase_sales_lead_101").pipe(
          Effect.provide(sessionsAt(server.url, { apiKey: Emulator.keys.restricted }))
        )
      )
      expect(restricted._tag).toBe("Forbidden")
    }))

  it.scopedLive("an unknown session fails with SessionNotFound, an unknown agent with AgentNotFound", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted()
      const layer = sessionsAt(server.url)
      expect((yield* Effect.flip(get(agent, "ase_missing").pipe(Effect.provide(layer))))._tag).toBe("SessionNotFound")
      expect((yield* Effect.flip(get("agt_missing", "ase_missing").pipe(Effect.provide(layer))))._tag).toBe(
        "AgentNotFound"
      )
    }))

  it.scopedLive("a malformed 200 body fails with ResponseDecodeError", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "malformed" } }] })
      const error = yield* Effect.flip(get().pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("ResponseDecodeError")
    }))

  it.scopedLive("a 429 with Retry-After: 0 is healed by the retry policy", () =>
    Effect.gen(function*() {
      const { emulator, server } = yield* hosted({
        faults: [{ route: "get", times: 1, fault: { type: "rateLimit", retryAfter: "0" } }]
      })
      const result = yield* get().pipe(Effect.provide(sessionsAt(server.url, { maxRetries: 2 })))
      expect(result.id).toBe(session)
      expect(emulator.requests.map((r) => r.status)).toEqual([429, 200])
    }))

  it.scopedLive("a connection reset fails with TransportError", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "reset" } }] })
      const error = yield* Effect.flip(get().pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("TransportError")
    }))

  it.scopedLive("a hang fails with RequestTimeout after the per-attempt timeout", () =>
    Effect.gen(function*() {
      const { server } = yield* hosted({ faults: [{ route: "get", fault: { type: "hang" } }] })
      const error = yield* Effect.flip(get().pipe(Effect.provide(sessionsAt(server.url, { timeout: "150 millis" }))))
      expect(error._tag).toBe("RequestTimeout")
    }))

  it.scopedLive("a redirect to another emulator is not followed: it receives no request and no key", () =>
    Effect.gen(function*() {
      const other = yield* hosted()
      const { server } = yield* hosted({
        faults: [{
          route: "get",
          fault: {
            type: "redirect",
            status: 302,
            location: `${other.server.url}/v2/agents/${agent}/sessions/${session}`
          }
        }]
      })
      const error = yield* Effect.flip(get().pipe(Effect.provide(sessionsAt(server.url))))
      expect(error._tag).toBe("UnexpectedResponse")
      expect(other.emulator.requests).toHaveLength(0)
    }))
})
