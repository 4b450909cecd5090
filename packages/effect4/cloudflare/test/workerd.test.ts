/**
 * The Effect 4 adapter in real workerd (a current Miniflare, on Node 24), against the emulator served on
 * loopback over real sockets: `layerEnv` and `layer` over workerd's fetch (the attempt's deadline and the
 * body cap inside fetch, `redirect: "manual"`), the handler's HTTP answers, a missing binding, `waitUntil`,
 * and an aborted first request. The status → error mapping itself is core's (the behaviour suite); the
 * handler's mapping of each tag is in handler.test.ts.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode, type Server } from "@lyzr-effect/emulator/node"
import type { Miniflare } from "miniflare"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { bundle, fetchWorker, start } from "./support/workerd.ts"

const emulator = Emulator.make()
const elsewhere = Emulator.make()
let server: Server
let other: Server
let mf: Miniflare
/** What the Workers print. A test that expects a line takes it out; any other line is printed after the test. */
const workerdOutput: Array<string> = []

beforeAll(async () => {
  server = await serveNode(emulator)
  other = await serveNode(elsewhere)
  const script = await bundle(new URL("./workers/adapter.ts", import.meta.url).pathname)
  const base = { LYZR_BASE_URL: server.url }
  const full = { ...base, LYZR_API_KEY: Emulator.keys.full }
  mf = await start([
    // Default policy (2 retries), 2 s per attempt.
    { name: "main", script, bindings: { ...full, LYZR_TIMEOUT: "2000" } },
    // No retries and a short timeout, so each failure shows as it is.
    { name: "strict", script, bindings: { ...full, LYZR_MAX_RETRIES: "0", LYZR_TIMEOUT: "400 millis" } },
    { name: "badkey", script, bindings: { ...base, LYZR_API_KEY: "sk-not-a-key-0000", LYZR_MAX_RETRIES: "0" } },
    { name: "nokey", script, bindings: base },
    // Fresh isolates whose first request is aborted, with and without the request signal.
    { name: "fresh-signal", script, bindings: full, compatibilityFlags: ["enable_request_signal"] },
    { name: "fresh-plain", script, bindings: full }
  ], (line) => workerdOutput.push(line))
}, 60_000)

afterEach(() => {
  emulator.reset()
  elsewhere.reset()
  for (const line of workerdOutput.splice(0)) console.log(line)
})

afterAll(async () => {
  await mf?.dispose()
  await server?.close()
  await other?.close()
})

describe("layerEnv and layer over workerd's fetch", () => {
  it("lists an agent's session IDs, sending the binding's key", async () => {
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(200)
    expect(res.body.value).toEqual(["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
    expect(emulator.requests.map((r) => r.keyFingerprint)).toEqual([Emulator.fingerprint(Emulator.keys.full)])
  })

  it("gets one session", async () => {
    const res = await fetchWorker(mf, "main", "/get/agt_customer_support/ase_customer_support_001")
    expect(res.status).toBe(200)
    expect(res.body.value).toEqual({ id: "ase_customer_support_001", agent_id: "agt_customer_support" })
  })

  it("CloudflareLyzr.layer takes the same settings as explicit options", async () => {
    const res = await fetchWorker(mf, "main", "/explicit/list/agt_onboarding_bot")
    expect(res).toMatchObject({ status: 200, body: { value: [] } })
  })

  it("a missing LYZR_API_KEY binding is a 500 that names no detail; the Worker's log names the binding", async () => {
    const res = await fetchWorker(mf, "nokey", "/list/agt_customer_support")
    expect(res.status).toBe(500)
    expect(res.body).toEqual({ error: { type: "ConfigError", message: "the Worker's Lyzr configuration is invalid" } })
    expect(emulator.requests).toHaveLength(0)
    const logged = await vi.waitFor(() => {
      const index = workerdOutput.findIndex((line) => line.includes("the LYZR_* bindings are invalid"))
      expect(index).toBeGreaterThanOrEqual(0)
      return workerdOutput.splice(index, 1)[0]!
    })
    expect(logged).toContain("LYZR_API_KEY")
  })
})

describe("the handler's answers, from real upstream responses", () => {
  it("an unknown session is a 404 with the code, the upstream status and request id", async () => {
    const res = await fetchWorker(mf, "strict", "/get/agt_customer_support/ase_missing")
    expect(res.status).toBe(404)
    expect(res.headers.get("content-type")).toMatch(/^application\/json/)
    expect(res.body.error).toMatchObject({ type: "SessionNotFound", code: "session_not_found", upstreamStatus: 404 })
    expect(res.body.error.requestId).toMatch(/^req_/)
  })

  it("a key the service refuses is a 502 (the key is the Worker's), in no rendering of the error", async () => {
    const probe = await fetchWorker(mf, "badkey", "/probe/list/agt_customer_support")
    expect(probe.body).toMatchObject({ ok: false, error: { _tag: "Unauthorized", status: 401, keyLeaked: false } })
    const res = await fetchWorker(mf, "badkey", "/list/agt_customer_support")
    expect(res.status).toBe(502)
    expect(res.body.error.type).toBe("Unauthorized")
    expect(JSON.stringify(res.body)).not.toContain("sk-not-a-key-0000")
  })

  it("a 429 beyond 60 s is answered at once with the wait in Retry-After", async () => {
    emulator.inject({ fault: { type: "rateLimit", retryAfter: "120" } })
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBe("120")
    expect(res.elapsedMs).toBeLessThan(1500)
    expect(emulator.requests).toHaveLength(1)
  })

  it("a hung response ends in RequestTimeout (504) at the per-attempt deadline", async () => {
    emulator.inject({ fault: { type: "hang" } })
    const probe = await fetchWorker(mf, "strict", "/probe/list/agt_customer_support")
    expect(probe.body.error._tag).toBe("RequestTimeout")
    expect(probe.body.elapsedMs).toBeGreaterThanOrEqual(390)
    const res = await fetchWorker(mf, "strict", "/list/agt_customer_support")
    expect(res.status).toBe(504)
    expect(res.elapsedMs).toBeGreaterThanOrEqual(390)
    expect(res.elapsedMs).toBeLessThan(2500)
  })

  it("a body over the cap (layerEnv overrides) is a 502 UnexpectedResponse", async () => {
    emulator.inject({ times: 1, fault: { type: "hugeBody", bytes: 256 * 1024 } })
    const res = await fetchWorker(mf, "main", "/capped/list/agt_customer_support")
    expect(res.status).toBe(502)
    expect(res.body.error).toMatchObject({ type: "UnexpectedResponse", upstreamStatus: 200 })
    expect(res.body.error.message).toContain("65536")
  })
})

describe("retries and redirects in workerd", () => {
  it("retries a 503 and answers 200", async () => {
    emulator.inject({ times: 1, fault: { type: "serverError", status: 503 } })
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(200)
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200])
  })

  it("honours retry-after-ms (300 ms), then succeeds", async () => {
    emulator.inject({ times: 1, fault: { type: "rateLimit", retryAfterMs: "300" } })
    const res = await fetchWorker(mf, "main", "/probe/list/agt_customer_support")
    expect(res.body.ok).toBe(true)
    const [first, second] = emulator.requests
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200])
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290)
  })

  it("follows a same-origin redirect itself (fetch runs with redirect: manual)", async () => {
    emulator.inject({
      times: 1,
      fault: { type: "redirect", status: 307, location: "/v1/agent/agt_onboarding_bot/sessions" }
    })
    const res = await fetchWorker(mf, "strict", "/list/agt_customer_support")
    expect(res).toMatchObject({ status: 200, body: { value: [] } })
    expect(emulator.requests.map((r) => [r.path, r.status])).toEqual([
      ["/v1/agent/agt_customer_support/sessions", 307],
      ["/v1/agent/agt_onboarding_bot/sessions", 200]
    ])
  })

  it("does not follow a redirect to another origin: a 502, and the other origin sees no request", async () => {
    emulator.inject({
      times: 1,
      fault: { type: "redirect", location: `${other.url}/v1/agent/agt_customer_support/sessions` }
    })
    const res = await fetchWorker(mf, "strict", "/list/agt_customer_support")
    expect(res.status).toBe(502)
    expect(res.body.error.type).toBe("UnexpectedResponse")
    expect(elsewhere.requests).toHaveLength(0)
  })
})

describe("background work", () => {
  it("waitUntil runs the SDK call after the response was sent", async () => {
    emulator.inject({ times: 1, fault: { type: "latency", ms: 300 } })
    const res = await fetchWorker(mf, "main", "/background/agt_onboarding_bot")
    expect(res.status).toBe(202)
    expect(res.elapsedMs).toBeLessThan(300)
    await vi.waitFor(() => expect(emulator.requests.map((r) => r.status)).toEqual([200]), { timeout: 5000 })
    expect(emulator.requests.map((r) => r.path)).toEqual(["/v1/agent/agt_onboarding_bot/sessions"])
  })
})

// effect#6319: a runtime cached at module scope is built inside the first request; if that request is
// aborted, every later one fails. The handler builds per request, so a fresh isolate whose first request
// is aborted mid-call must serve the next ones. With `enable_request_signal` the fiber is interrupted;
// without it workerd simply drops the request's I/O.
describe("an aborted first request", () => {
  for (const worker of ["fresh-signal", "fresh-plain"]) {
    it(`leaves a fresh isolate healthy (${worker})`, async () => {
      emulator.inject({ times: 1, fault: { type: "hang" } })
      const controller = new AbortController()
      const first = fetchWorker(mf, worker, "/list/agt_customer_support", { signal: controller.signal })
      await vi.waitFor(() => expect(emulator.requests).toHaveLength(1), { timeout: 5000 })
      controller.abort()
      await expect(first).rejects.toThrow()
      for (let i = 0; i < 3; i++) {
        expect((await fetchWorker(mf, worker, "/list/agt_customer_support")).status).toBe(200)
      }
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => fetchWorker(mf, worker, "/list/agt_sales_assistant"))
      )
      expect(burst.map((res) => res.status)).toEqual(Array(10).fill(200))
    }, 30_000)
  }
})
