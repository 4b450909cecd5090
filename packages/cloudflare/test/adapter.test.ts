/**
 * The adapter in real workerd (Miniflare), against the emulator served on loopback: every SDK error
 * through `layerEnv` + `handler` (typed, then as the handler's HTTP answer), Retry-After and timeouts
 * with small real values, redirects under workerd's fetch, `waitUntil`.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode, type Server } from "@lyzr-effect/emulator/node"
import type { Miniflare } from "miniflare"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { bundle, fetchWorker, start } from "./support/workerd.ts"

const emulator = Emulator.make()
let server: Server
let mf: Miniflare
/** What the Workers print. A test that expects a line takes it out; any other line is printed after the test. */
const workerdOutput: Array<string> = []

beforeAll(async () => {
  server = await serveNode(emulator)
  const script = await bundle(new URL("./workers/adapter.ts", import.meta.url).pathname)
  const base = { LYZR_BASE_URL: server.url }
  mf = await start([
    // Default policy (2 retries), 2 s per attempt.
    { name: "main", script, bindings: { ...base, LYZR_API_KEY: Emulator.keys.full, LYZR_TIMEOUT: "2000" } },
    // No retries and a short timeout, so each failure shows as it is.
    {
      name: "strict",
      script,
      bindings: { ...base, LYZR_API_KEY: Emulator.keys.full, LYZR_MAX_RETRIES: "0", LYZR_TIMEOUT: "400 millis" }
    },
    {
      name: "restricted",
      script,
      bindings: { ...base, LYZR_API_KEY: Emulator.keys.restricted, LYZR_MAX_RETRIES: "0" }
    },
    { name: "badkey", script, bindings: { ...base, LYZR_API_KEY: "sk-not-a-key-0000", LYZR_MAX_RETRIES: "0" } },
    { name: "nokey", script, bindings: base }
  ], { output: (line) => workerdOutput.push(line) })
}, 60_000)

afterEach(() => {
  emulator.reset()
  for (const line of workerdOutput.splice(0)) console.log(line)
})

afterAll(async () => {
  await mf?.dispose()
  await server?.close()
})

describe("layerEnv over workerd's fetch", () => {
  it("lists an agent's session IDs", async () => {
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(200)
    expect(res.body.value).toEqual(["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
    expect(emulator.requests[0]?.keyFingerprint).toBe(Emulator.fingerprint(Emulator.keys.full))
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
    // The details go to the Worker's log instead, where the operator looks.
    const logged = await vi.waitFor(() => {
      const index = workerdOutput.findIndex((line) => line.includes("the LYZR_* bindings are invalid"))
      expect(index).toBeGreaterThanOrEqual(0)
      return workerdOutput.splice(index, 1)[0]!
    })
    expect(logged).toMatch(/level=ERROR .*Missing data at LYZR_API_KEY/)
  })
})

interface ErrorCase {
  readonly name: string
  readonly worker: string
  readonly path: string
  readonly fault?: Emulator.FaultRule
  readonly tag: string
  readonly httpStatus: number
  readonly upstreamRequests: number
}

const errorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "an ID the API would reject, before any request",
    worker: "strict",
    path: "/get/not-an-agent/ase_x",
    tag: "InvalidRequest",
    httpStatus: 400,
    upstreamRequests: 0
  },
  {
    name: "400 invalid_request",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "status", status: 400, body: { error: { code: "invalid_request", message: "bad" } } } },
    tag: "InvalidRequest",
    httpStatus: 400,
    upstreamRequests: 1
  },
  {
    name: "401 for a key the service refuses",
    worker: "badkey",
    path: "/list/agt_customer_support",
    tag: "Unauthorized",
    httpStatus: 502,
    upstreamRequests: 1
  },
  {
    name: "403 for an agent the key may not read",
    worker: "restricted",
    path: "/list/agt_sales_assistant",
    tag: "Forbidden",
    httpStatus: 403,
    upstreamRequests: 1
  },
  {
    name: "404 for an unknown agent",
    worker: "strict",
    path: "/list/agt_nobody",
    tag: "AgentNotFound",
    httpStatus: 404,
    upstreamRequests: 1
  },
  {
    name: "404 for an unknown session",
    worker: "strict",
    path: "/get/agt_customer_support/ase_missing",
    tag: "SessionNotFound",
    httpStatus: 404,
    upstreamRequests: 1
  },
  {
    name: "422 with a FastAPI detail list",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: {
      fault: {
        type: "status",
        status: 422,
        body: { detail: [{ loc: ["path", "agent_id"], msg: "bad id", type: "value_error" }] }
      }
    },
    tag: "ValidationError",
    httpStatus: 422,
    upstreamRequests: 1
  },
  {
    name: "429 asking for more than 60 s",
    worker: "main",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "rateLimit", retryAfter: "120" } },
    tag: "RateLimitExceeded",
    httpStatus: 429,
    upstreamRequests: 1
  },
  {
    name: "500",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "serverError" } },
    tag: "ServerError",
    httpStatus: 502,
    upstreamRequests: 1
  },
  {
    name: "a redirect to another origin, not followed",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "redirect", location: "https://elsewhere.example/v1/agent/x/sessions" } },
    tag: "UnexpectedResponse",
    httpStatus: 502,
    upstreamRequests: 1
  },
  {
    name: "a 200 body that is not JSON",
    worker: "strict",
    path: "/get/agt_customer_support/ase_customer_support_001",
    fault: { fault: { type: "malformed" } },
    tag: "ResponseDecodeError",
    httpStatus: 502,
    upstreamRequests: 1
  },
  {
    name: "a connection reset",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "reset" } },
    tag: "TransportError",
    httpStatus: 502,
    upstreamRequests: 1
  },
  {
    name: "a response slower than the timeout",
    worker: "strict",
    path: "/list/agt_customer_support",
    fault: { fault: { type: "latency", ms: 3000 } },
    tag: "RequestTimeout",
    httpStatus: 504,
    upstreamRequests: 1
  }
]

describe("every SDK error, in workerd", () => {
  for (const c of errorCases) {
    it(`${c.name}: ${c.tag} (key in none of its renderings), answered ${c.httpStatus} by the handler`, async () => {
      if (c.fault) emulator.inject({ ...c.fault, times: 1 })
      const probe = await fetchWorker(mf, c.worker, `/probe${c.path}`)
      expect(probe.body.ok).toBe(false)
      expect(probe.body.error._tag).toBe(c.tag)
      expect(probe.body.error.keyLeaked).toBe(false)
      expect(emulator.requests).toHaveLength(c.upstreamRequests)

      if (c.fault) emulator.inject({ ...c.fault, times: 1 })
      const res = await fetchWorker(mf, c.worker, c.path)
      expect(res.status).toBe(c.httpStatus)
      expect(res.headers.get("content-type")).toMatch(/^application\/json/)
      expect(res.body.error.type).toBe(c.tag)
      expect(JSON.stringify(res.body)).not.toContain(Emulator.keys.full)
    })
  }

  it("a 429 beyond 60 s is answered at once with the wait in Retry-After", async () => {
    emulator.inject({ fault: { type: "rateLimit", retryAfter: "120" } })
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBe("120")
    expect(res.elapsedMs).toBeLessThan(1500)
  })

  it("a hung response ends in RequestTimeout (504) after the per-attempt timeout", async () => {
    emulator.inject({ fault: { type: "hang" } })
    const res = await fetchWorker(mf, "strict", "/list/agt_customer_support")
    expect(res.status).toBe(504)
    expect(res.elapsedMs).toBeGreaterThanOrEqual(390)
    expect(res.elapsedMs).toBeLessThan(2500)
  })
})

describe("retries and redirects in workerd", () => {
  it("honours retry-after-ms (300 ms), then succeeds", async () => {
    emulator.inject({ times: 1, fault: { type: "rateLimit", retryAfterMs: "300" } })
    const res = await fetchWorker(mf, "main", "/probe/list/agt_customer_support")
    expect(res.body.ok).toBe(true)
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200])
    const [first, second] = emulator.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(290)
  })

  it("honours Retry-After in seconds (1 s), then succeeds", async () => {
    emulator.inject({ times: 1, fault: { type: "rateLimit", retryAfter: "1" } })
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(200)
    const [first, second] = emulator.requests
    expect(emulator.requests).toHaveLength(2)
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990)
  })

  it("retries a 503 and answers 200", async () => {
    emulator.inject({ times: 1, fault: { type: "serverError", status: 503 } })
    const res = await fetchWorker(mf, "main", "/list/agt_customer_support")
    expect(res.status).toBe(200)
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200])
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
})

describe("background work", () => {
  it("waitUntil runs the SDK call after the response was sent", async () => {
    emulator.inject({ times: 1, fault: { type: "latency", ms: 300 } })
    const res = await fetchWorker(mf, "main", "/background/agt_onboarding_bot")
    expect(res.status).toBe(202)
    expect(res.elapsedMs).toBeLessThan(300)
    const deadline = Date.now() + 5000
    while (!emulator.requests.some((r) => r.status === 200) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect(emulator.requests.map((r) => [r.path, r.status])).toEqual([["/v1/agent/agt_onboarding_bot/sessions", 200]])
  })
})
