/**
 * The dashboard server, started on an ephemeral loopback port with the emulator behind
 * `AgentSessions`, called over real HTTP through the typed client `HttpApiClient` derives from
 * the same `DashboardApi` (and with plain fetch where the status code is the point).
 */
import { FetchHttpClient, HttpApiClient, HttpServer } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { AgentSession, AgentSessions } from "@lyzr-effect/core"
import { Emulator, EmulatorHttpClient } from "@lyzr-effect/emulator"
import { Effect, Layer, Logger } from "effect"
import { DashboardApi } from "../src/Api.ts"
import * as Server from "../src/Server.ts"

/**
 * Starts the server for the scope of the test; returns its URL, a typed client, the span lines and
 * the log lines (kept here rather than printed: the warnings the error tests provoke are expected).
 */
const startApp = (emulator: Emulator.Emulator = Emulator.make()) =>
  Effect.gen(function*() {
    const spans: Array<string> = []
    const logs: Array<string> = []
    const keepLogs = Logger.replace(
      Logger.defaultLogger,
      Logger.logfmtLogger.pipe(Logger.map((line) => {
        logs.push(line)
      }))
    )
    const sessions = AgentSessions.layer({ apiKey: Emulator.keys.full, maxRetries: 0 }).pipe(
      Layer.provide(EmulatorHttpClient.layerHttpClient(emulator))
    )
    const context = yield* Layer.build(
      Server.layer({ port: 0, host: "127.0.0.1", printSpan: (line) => spans.push(line) }).pipe(
        Layer.provide(Layer.orDie(sessions)),
        Layer.provide(keepLogs)
      )
    )
    const address = context.unsafeMap.get(HttpServer.HttpServer.key) as HttpServer.HttpServer
    if (address.address._tag !== "TcpAddress") throw new Error("expected a TCP address")
    const url = `http://127.0.0.1:${address.address.port}`
    const client = yield* HttpApiClient.make(DashboardApi, { baseUrl: url })
    return { url, client, spans, logs, emulator }
  }).pipe(Effect.provide(FetchHttpClient.layer))

const agent = "agt_customer_support"

describe("the dashboard over HTTP", () => {
  it.scopedLive("GET /agents/:agentId/sessions summarises every session of the agent", () =>
    Effect.gen(function*() {
      const { client } = yield* startApp()
      const summary = yield* client.sessions.summary({ path: { agentId: agent } })
      assert.strictEqual(summary.total, 3)
      assert.strictEqual(summary.enabled, 2)
      assert.strictEqual(summary.disabled, 1)
      assert.deepStrictEqual(summary.sessions.map((s) => s.id), [
        "ase_customer_support_001",
        "ase_customer_support_002",
        "ase_customer_support_003"
      ])
      assert.deepStrictEqual(summary.unreadable, [])
    }))

  it.scopedLive("GET /agents/:agentId/sessions/:sessionId returns the session as the SDK decoded it", () =>
    Effect.gen(function*() {
      const { client } = yield* startApp()
      const session = yield* client.sessions.session({
        path: { agentId: agent, sessionId: "ase_customer_support_001" }
      })
      assert.instanceOf(session, AgentSession)
      assert.strictEqual(session.metadata["customer_id"], "customer_12345")
    }))

  it.scopedLive("lists sessions the SDK cannot read as unreadable, with the reason", () =>
    Effect.gen(function*() {
      // The legacy 24-hex agent is listed by v1, but v2 rejects its ID.
      const { client } = yield* startApp()
      const summary = yield* client.sessions.summary({ path: { agentId: "66b1f2a9c4e5d60718293a4b" } })
      assert.strictEqual(summary.total, 2)
      assert.deepStrictEqual(summary.unreadable.map((u) => u.reason), ["InvalidRequest", "InvalidRequest"])
    }))

  it.scopedLive("serves a summary again within the cache TTL with only the list requested", () =>
    Effect.gen(function*() {
      const { client, emulator } = yield* startApp()
      yield* client.sessions.summary({ path: { agentId: agent } })
      yield* client.sessions.summary({ path: { agentId: agent } })
      assert.deepStrictEqual(emulator.requests.map((r) => r.route), ["list", "get", "get", "get", "list"])
    }))
})

describe("SDK errors mapped to the dashboard's own", () => {
  const statusOf = (url: string, path: string) =>
    Effect.promise(() => fetch(url + path).then(async (r) => [r.status, await r.json()] as const))

  it.scopedLive("an unknown agent is the dashboard's NotFound, 404", () =>
    Effect.gen(function*() {
      const { client, url } = yield* startApp()
      const error = yield* Effect.flip(client.sessions.summary({ path: { agentId: "agt_nobody" } }))
      assert.strictEqual(error._tag, "NotFound")
      const [status, body] = yield* statusOf(url, "/agents/agt_nobody/sessions")
      assert.strictEqual(status, 404)
      assert.strictEqual(body._tag, "NotFound")
    }))

  it.scopedLive("an ID the API rejects is BadRequest, 400", () =>
    Effect.gen(function*() {
      const { url } = yield* startApp()
      const [status, body] = yield* statusOf(url, `/agents/${agent}/sessions/not-a-session`)
      assert.deepStrictEqual([status, body._tag], [400, "BadRequest"])
    }))

  it.scopedLive("a refused key is BadGateway, 502, without saying which key", () =>
    Effect.gen(function*() {
      const emulator = Emulator.make()
      emulator.inject({ route: "list", fault: { type: "status", status: 401, body: { detail: "Invalid API key" } } })
      const { url } = yield* startApp(emulator)
      const [status, body] = yield* statusOf(url, `/agents/${agent}/sessions`)
      assert.deepStrictEqual([status, body._tag], [502, "BadGateway"])
      assert.notInclude(JSON.stringify(body), Emulator.keys.full)
    }))

  it.scopedLive("logs the SDK error as a warning with its status and request id, without the key", () =>
    Effect.gen(function*() {
      const emulator = Emulator.make()
      emulator.inject({ route: "list", fault: { type: "status", status: 401, body: { detail: "Invalid API key" } } })
      const { logs, url } = yield* startApp(emulator)
      yield* statusOf(url, `/agents/${agent}/sessions`)
      const warning = logs.find((line) => line.includes("sessions service: Unauthorized"))
      assert.isDefined(warning)
      assert.match(warning!, /level=WARN .*status=401 requestId=req_/)
      assert.notInclude(logs.join("\n"), Emulator.keys.full)
    }))

  it.scopedLive("a rate limit is TooManyRequests, 429, with the wait", () =>
    Effect.gen(function*() {
      const emulator = Emulator.make({ faults: [{ route: "get", fault: { type: "rateLimit", retryAfter: "120" } }] })
      const { url } = yield* startApp(emulator)
      const [status, body] = yield* statusOf(url, `/agents/${agent}/sessions/ase_customer_support_001`)
      assert.deepStrictEqual([status, body], [429, {
        _tag: "TooManyRequests",
        message: "Lyzr's rate limit was reached; try again later",
        retryAfterSeconds: 120
      }])
    }))

  it.scopedLive("a server error upstream is ServiceUnavailable, 503", () =>
    Effect.gen(function*() {
      const emulator = Emulator.make({ faults: [{ route: "list", fault: { type: "serverError", status: 502 } }] })
      const { url } = yield* startApp(emulator)
      const [status, body] = yield* statusOf(url, `/agents/${agent}/sessions`)
      assert.deepStrictEqual([status, body._tag], [503, "ServiceUnavailable"])
    }))
})

describe("tracing", () => {
  it.scopedLive("prints one line per span: the request, the dashboard call and the SDK calls under it", () =>
    Effect.gen(function*() {
      const { client, spans } = yield* startApp()
      yield* client.sessions.session({ path: { agentId: agent, sessionId: "ase_customer_support_002" } })
      const names = spans.map((line) => line.split(" ")[2])
      for (const name of ["AgentSessions.get", "Dashboard.session", "http.server"]) assert.include(names, name)
      const traceIds = new Set(spans.map((line) => line.split(" ")[1]))
      assert.strictEqual(traceIds.size, 1, "all in one trace")
      assert.match(
        spans.find((line) => line.includes("AgentSessions.get"))!,
        /\d+\.\dms ok .*lyzr\.session_id=ase_customer_support_002/
      )
      assert.notInclude(spans.join("\n"), Emulator.keys.full)
    }))
})
