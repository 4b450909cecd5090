/**
 * examples/cloudflare-worker end to end in workerd, with wrangler.toml's compatibility date and flags,
 * against the emulator on loopback: the routes, the error statuses, 50 concurrent requests, and an
 * aborted first request (effect#6319) followed by healthy ones.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode, type Server } from "@lyzr-effect/emulator/node"
import type { Miniflare } from "miniflare"
import { readFileSync } from "node:fs"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { bundle, compatibilityDate, fetchWorker, start } from "./support/workerd.ts"

const exampleDir = new URL("../../../examples/cloudflare-worker/", import.meta.url)
const wrangler = readFileSync(new URL("wrangler.toml", exampleDir), "utf8")
const flags = [...(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(wrangler)?.[1] ?? "").matchAll(/"([^"]+)"/g)]
  .map((m) => m[1]!)

const emulator = Emulator.make({ listShape: "live" })
let server: Server
let script: string
let mf: Miniflare

const bindings = () => ({ LYZR_API_KEY: Emulator.keys.full, LYZR_BASE_URL: server.url, LYZR_TIMEOUT: "5 seconds" })

beforeAll(async () => {
  server = await serveNode(emulator)
  script = await bundle(new URL("src/index.ts", exampleDir).pathname)
  // "example" serves the route tests; each "fresh-*" Worker is a separate isolate that gets its first
  // request in the abort tests.
  mf = await start([
    { name: "example", script, compatibilityFlags: flags, bindings: bindings() },
    { name: "fresh-flags", script, compatibilityFlags: flags, bindings: bindings() },
    { name: "fresh-plain", script, compatibilityFlags: [], bindings: bindings() }
  ])
}, 60_000)

afterEach(() => emulator.reset())

afterAll(async () => {
  await mf?.dispose()
  await server?.close()
})

describe("the example Worker", () => {
  it("runs with wrangler.toml's compatibility date", () => {
    expect(wrangler).toContain(`compatibility_date = "${compatibilityDate}"`)
  })

  it("GET /agents/:agentId/sessions answers the agent's session IDs", async () => {
    const res = await fetchWorker(mf, "example", "/agents/agt_sales_assistant/sessions")
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      agentId: "agt_sales_assistant",
      sessions: ["ase_sales_lead_101", "ase_sales_lead_102", "ase_sales-demo_2024"]
    })
  })

  it("GET /agents/:agentId/sessions/:sessionId answers the session in the API's shape", async () => {
    const res = await fetchWorker(mf, "example", "/agents/agt_customer_support/sessions/ase_customer_support_001")
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      id: "ase_customer_support_001",
      agent_id: "agt_customer_support",
      enabled: true,
      metadata: { customer_id: "customer_12345", interaction_count: 8 }
    })
    expect(Date.parse(res.body.created_at)).toBe(Date.parse("2024-01-15T10:30:00Z"))
  })

  it("an unknown session is a 404 SessionNotFound", async () => {
    const res = await fetchWorker(mf, "example", "/agents/agt_customer_support/sessions/ase_missing")
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ type: "SessionNotFound", code: "session_not_found", upstreamStatus: 404 })
  })

  it("an unknown agent is a 404 AgentNotFound", async () => {
    const res = await fetchWorker(mf, "example", "/agents/agt_nobody/sessions")
    expect(res.status).toBe(404)
    expect(res.body.error.type).toBe("AgentNotFound")
  })

  it("a malformed ID is a 400 without a request upstream", async () => {
    const res = await fetchWorker(mf, "example", "/agents/agt_customer_support/sessions/not%2Fa%2Fsession")
    expect(res.status).toBe(400)
    expect(res.body.error.type).toBe("InvalidRequest")
    expect(emulator.requests).toHaveLength(0)
  })

  it("a rate limit is a 429 with Retry-After", async () => {
    emulator.inject({ fault: { type: "rateLimit", retryAfter: "90" } })
    const res = await fetchWorker(mf, "example", "/agents/agt_customer_support/sessions")
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBe("90")
  })

  it("a service failing after every retry is a 502", async () => {
    emulator.inject({ fault: { type: "serverError", status: 502 } })
    emulator.inject({ fault: { type: "serverError" } })
    const res = await fetchWorker(mf, "example", "/agents/agt_customer_support/sessions")
    expect(res.status).toBe(502)
    expect(res.body.error.type).toBe("ServerError")
  }, 15_000)

  it("other paths are 404 and other methods 405", async () => {
    expect((await fetchWorker(mf, "example", "/")).status).toBe(404)
    expect((await fetchWorker(mf, "example", "/agents/agt_x/sessions/a/b")).status).toBe(404)
    const post = await fetchWorker(mf, "example", "/agents/agt_x/sessions", { method: "POST" })
    expect(post.status).toBe(405)
    expect(post.headers.get("allow")).toBe("GET, HEAD")
  })

  it("answers 50 concurrent requests, each with its own result", async () => {
    const sessions = ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
    const paths = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? `/agents/agt_customer_support/sessions/${sessions[i % 3]}`
        : `/agents/${i % 4 === 1 ? "agt_sales_assistant" : "agt_onboarding_bot"}/sessions`)
    const results = await Promise.all(paths.map((path) => fetchWorker(mf, "example", path)))
    results.forEach((res, i) => {
      expect(res.status).toBe(200)
      if (i % 2 === 0) expect(res.body.id).toBe(sessions[i % 3])
      else expect(res.body.agentId).toBe(i % 4 === 1 ? "agt_sales_assistant" : "agt_onboarding_bot")
    })
    expect(emulator.requests).toHaveLength(50)
  }, 30_000)
})

// effect#6319: a runtime cached at module scope is built inside the first request; if that request is
// aborted, every later one fails. The handler builds per request, so a fresh isolate whose first
// request is aborted mid-call must serve the next ones. Checked with and without `enable_request_signal`
// (with it the fiber is interrupted; without it workerd simply drops the request's I/O).
describe("an aborted first request", () => {
  for (const [worker, label] of [["fresh-flags", flags.join(", ")], ["fresh-plain", "without flags"]] as const) {
    it(`leaves a fresh isolate healthy (${label})`, async () => {
      emulator.inject({ times: 1, fault: { type: "hang" } })
      const controller = new AbortController()
      const first = fetchWorker(mf, worker, "/agents/agt_customer_support/sessions", { signal: controller.signal })
      const deadline = Date.now() + 5000
      while (emulator.requests.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(emulator.requests).toHaveLength(1) // the first request is inside the SDK call
      controller.abort()
      await expect(first).rejects.toThrow()
      for (let i = 0; i < 3; i++) {
        const res = await fetchWorker(mf, worker, "/agents/agt_customer_support/sessions")
        expect(res.status).toBe(200)
      }
      const burst = await Promise.all(
        Array.from({ length: 10 }, () => fetchWorker(mf, worker, "/agents/agt_sales_assistant/sessions"))
      )
      expect(burst.map((res) => res.status)).toEqual(Array(10).fill(200))
    }, 30_000)
  }
})
