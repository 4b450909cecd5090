/**
 * The handler's services, kept per set of bindings, in real workerd (one isolate, one handler) against
 * the emulator on loopback. Each tenant's key may read only its own agent (the emulator answers 403 for
 * any other), so a service built for one set of bindings and used for another shows as a 403 and as the
 * wrong key fingerprint in the emulator's log.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode, type Server } from "@lyzr-effect/emulator/node"
import type { Miniflare } from "miniflare"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { inspect } from "./support/inspector.ts"
import { bundle, fetchWorker, start } from "./support/workerd.ts"

const tenants = Array.from({ length: 12 }, (_, i) => ({
  agent: `agt_tenant_${i}`,
  key: `sk-tenant-${i}-${"k".repeat(24)}`,
  session: `ase_tenant_${i}_001`
}))

const emulator = Emulator.make({
  fixture: {
    agents: Object.fromEntries(tenants.map((t) => [t.agent, {
      sessions: [{
        id: t.session,
        description: `session of ${t.agent}`,
        metadata: {},
        enabled: true,
        created_at: "2026-01-01T00:00:00Z"
      }]
    }])),
    keys: Object.fromEntries(tenants.map((t) => [t.key, [t.agent]]))
  }
})
let server: Server
let mf: Miniflare
/** What the Workers print, shown after each test. */
const workerdOutput: Array<string> = []

beforeAll(async () => {
  server = await serveNode(emulator)
  const script = await bundle(new URL("./workers/bindings.ts", import.meta.url).pathname)
  const bindings = { LYZR_BASE_URL: server.url, LYZR_MAX_RETRIES: "0", LYZR_TIMEOUT: "5 seconds" }
  mf = await start(
    [
      { name: "tenants", script, bindings },
      // An isolate for the heap check alone: code other tests run and it does not (the 403 path, say) would
      // have its bytecode flushed during the measurement and hide a leak of that size.
      { name: "heap", script, bindings },
      // A fresh isolate for the aborted build: its first request is the one aborted.
      { name: "fresh", script, compatibilityFlags: ["enable_request_signal"], bindings }
    ],
    (line) => workerdOutput.push(line),
    { inspector: true }
  )
}, 240_000)

afterEach(() => {
  emulator.reset()
  for (const line of workerdOutput.splice(0)) console.log(line)
})

afterAll(async () => {
  await mf?.dispose()
  await server?.close()
})

const list = (worker: string, tenant: (typeof tenants)[number], route = "list") =>
  fetchWorker(mf, worker, `/${route}/${tenant.agent}`, { headers: { "x-test-key": tenant.key } })

const sentWith = (tenant: (typeof tenants)[number]) =>
  emulator.requests.filter((r) => r.path.includes(`/${tenant.agent}/`)).map((r) => r.keyFingerprint)

describe("the handler's services, per set of bindings", () => {
  it("uses a rotated secret on the very next request", async () => {
    const [a, b] = [tenants[0]!, tenants[1]!]
    expect((await list("tenants", a)).body).toEqual({ ids: [a.session] })
    // The same agent with the old key's successor: the key changed between two requests of one isolate.
    const rotated = { ...b, agent: a.agent }
    const refused = await list("tenants", rotated)
    expect(refused.status).toBe(403)
    expect(emulator.requests.map((r) => r.keyFingerprint)).toEqual([
      Emulator.fingerprint(a.key),
      Emulator.fingerprint(b.key)
    ])
    // And back: the first key again, at once.
    expect((await list("tenants", a)).status).toBe(200)
    expect(emulator.requests[2]?.keyFingerprint).toBe(Emulator.fingerprint(a.key))
  }, 30_000)

  it("never lends one request's key to another: 120 concurrent requests over 12 sets of bindings", async () => {
    const order = Array.from({ length: 120 }, (_, i) => tenants[(i * 7) % tenants.length]!)
    const results = await Promise.all(order.map((tenant) => list("tenants", tenant)))
    results.forEach((res, i) => {
      expect(res.status).toBe(200)
      expect(res.body).toEqual({ ids: [order[i]!.session] })
    })
    for (const tenant of tenants) {
      const sent = sentWith(tenant)
      expect(sent).toHaveLength(10)
      expect(new Set(sent)).toEqual(new Set([Emulator.fingerprint(tenant.key)]))
    }
  }, 60_000)
})

describe("a first request aborted mid-build", () => {
  it("leaves the isolate healthy: the next 50 requests succeed with their own keys", async () => {
    const first = await list("fresh", tenants[0]!, "abort-build")
    // Interrupted before any request left the Worker.
    expect(first.status).toBe(503)
    expect(first.body).toEqual({ error: { type: "Interrupted", message: "the request was cancelled" } })
    expect(emulator.requests).toHaveLength(0)
    const order = Array.from({ length: 50 }, (_, i) => tenants[i % 3]!)
    const results = await Promise.all(order.map((tenant) => list("fresh", tenant)))
    expect(results.map((res) => res.status)).toEqual(Array(50).fill(200))
    results.forEach((res, i) => expect(res.body).toEqual({ ids: [order[i]!.session] }))
    expect(emulator.requests).toHaveLength(50)
  }, 60_000)
})

describe("1,000 requests", () => {
  it("leave the heap flat after warm-up: no state grows with requests or with sets of bindings", async () => {
    const inspector = await inspect(mf, "heap")
    try {
      // 12 sets of bindings round-robin: more than the handler keeps, so its cache turns over all along.
      const run = async (n: number) => {
        for (let i = 0; i < n; i += 20) {
          const batch = await Promise.all(tenants.slice(0, 20).map((_, j) => list("heap", tenants[(i + j) % 12]!)))
          for (const res of batch) expect(res.status).toBe(200)
        }
        emulator.reset()
      }
      // Warm-up first: for its first few thousand requests an isolate's heap grows as V8 compiles and
      // optimises code.
      await run(3000)
      const before = await inspector.heapUsed()
      await run(1000)
      const after = await inspector.heapUsed()
      console.log(`heap: ${before} -> ${after} bytes (${((after - before) / 1024).toFixed(1)} KiB over 1,000 requests)`)

      // A few KiB is noise; a leak of one small object per request (a listener, a cached promise, a fiber,
      // a cache entry) is 64 KiB or more over 1,000 requests.
      expect(after - before).toBeLessThan(64 * 1024)
    } finally {
      inspector.close()
    }
  }, 180_000)
})
