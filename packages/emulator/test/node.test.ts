import { afterEach, describe, expect, it } from "vitest"
import { Emulator } from "../src/index.ts"
import { serveNode, type Server } from "../src/node.ts"
import { example, getPath, listPath } from "./helpers.ts"

const headers = { "x-api-key": Emulator.keys.full }
const list = listPath("agt_customer_support")
const get = getPath("agt_customer_support", "ase_customer_support_001")

const servers: Array<Server> = []
const serve = async (emu: Emulator.Emulator) => {
  const server = await serveNode(emu)
  servers.push(server)
  return server
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

// Resolves when the emulator has received `n` requests: lets a test act once a
// request is in flight on the server, without sleeping.
const arrivals = (emu: Emulator.Emulator) => {
  const waiters: Array<{ n: number; resolve: () => void }> = []
  let count = 0
  const wrapped: Emulator.Emulator = {
    ...emu,
    get requests() {
      return emu.requests
    },
    dispatch: (request) => {
      const outcome = emu.dispatch(request)
      count += 1
      for (const w of waiters.filter((w) => w.n <= count)) w.resolve()
      return outcome
    }
  }
  const reached = (n: number) => new Promise<void>((resolve) => (count >= n ? resolve() : waiters.push({ n, resolve })))
  return { wrapped, reached }
}

describe("serveNode", () => {
  it("listens on an ephemeral 127.0.0.1 port and reports its url", async () => {
    const server = await serve(Emulator.make())
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
  })

  it("serves both endpoints with their bodies and request ids", async () => {
    const server = await serve(Emulator.make({ listShape: "live" }))
    const listed = await fetch(server.url + list, { headers })
    expect(listed.status).toBe(200)
    expect(await listed.json()).toHaveLength(3)
    const got = await fetch(server.url + get, { headers })
    expect(got.status).toBe(200)
    expect(got.headers.get("x-request-id")).toMatch(/^req_/)
    expect(await got.json()).toEqual(example)
  })

  it("serves errors as the handler does (404 session_not_found, 401, 405)", async () => {
    const server = await serve(Emulator.make())
    const missing = await fetch(server.url + getPath("agt_customer_support", "ase_nope"), { headers })
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, "session_not_found"])
    const noKey = await fetch(server.url + list)
    expect([noKey.status, await noKey.json()]).toEqual([401, { detail: "Missing API key" }])
    const post = await fetch(server.url + list, { method: "POST", headers, body: "{}" })
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET"])
  })

  it("passes the raw path through, so percent-encoded parameters are decoded once by the emulator", async () => {
    const emu = Emulator.make()
    const server = await serve(emu)
    const res = await fetch(server.url + getPath("agt_a/../b", "ase_x"), { headers })
    expect(res.status).toBe(400)
    expect(emu.requests[0]!.agentId).toBe("agt_a/../b")
  })

  it("reset: the client sees a connection error, not a response", async () => {
    const server = await serve(Emulator.make({ faults: [{ times: 1, fault: { type: "reset" } }] }))
    await expect(fetch(server.url + list, { headers })).rejects.toThrow(TypeError)
    // The next request is served normally.
    expect((await fetch(server.url + list, { headers })).status).toBe(200)
  })

  it("reset midBody: headers arrive, then reading the body fails", async () => {
    const server = await serve(Emulator.make({ faults: [{ fault: { type: "reset", when: "midBody" } }] }))
    const res = await fetch(server.url + get, { headers })
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
  })

  it("hang: the client's abort ends the request", async () => {
    const { wrapped, reached } = arrivals(Emulator.make({ faults: [{ fault: { type: "hang" } }] }))
    const server = await serve(wrapped)
    const controller = new AbortController()
    const pending = fetch(server.url + list, { headers, signal: controller.signal })
    await reached(1)
    controller.abort()
    await expect(pending).rejects.toThrow(/abort/i)
  })

  it("hang: close() returns promptly even with hung requests open", async () => {
    const { wrapped, reached } = arrivals(Emulator.make({ faults: [{ fault: { type: "hang" } }] }))
    const server = await serveNode(wrapped)
    const pending = Promise.allSettled([fetch(server.url + list, { headers }), fetch(server.url + get, { headers })])
    await reached(2)
    const started = performance.now()
    await server.close()
    expect(performance.now() - started).toBeLessThan(1000)
    expect((await pending).map((r) => r.status)).toEqual(["rejected", "rejected"])
  })

  it("close() is idempotent and stops listening", async () => {
    const server = await serveNode(Emulator.make())
    await Promise.all([server.close(), server.close()])
    await expect(fetch(server.url + list, { headers })).rejects.toThrow(TypeError)
  })

  it("latency delays the response on the wire", async () => {
    const server = await serve(Emulator.make({ faults: [{ fault: { type: "latency", ms: 50 } }] }))
    const started = performance.now()
    const res = await fetch(server.url + list, { headers })
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
    expect(res.status).toBe(200)
  })

  it("hugeBody streams exactly `bytes` bytes, chunked", async () => {
    const bytes = 4 * 1024 * 1024 + 3
    const server = await serve(Emulator.make({ faults: [{ fault: { type: "hugeBody", bytes } }] }))
    const res = await fetch(server.url + list, { headers })
    expect(res.headers.get("content-length")).toBeNull()
    expect(res.headers.get("transfer-encoding")).toBe("chunked")
    let received = 0
    const reader = res.body!.getReader()
    for (let r = await reader.read(); !r.done; r = await reader.read()) received += r.value.byteLength
    expect(received).toBe(bytes)
  })

  it("hugeBody: a client that stops reading early does not break the server", async () => {
    const server = await serve(
      Emulator.make({ faults: [{ times: 1, fault: { type: "hugeBody", bytes: 64 * 1024 * 1024 } }] })
    )
    const res = await fetch(server.url + list, { headers })
    const reader = res.body!.getReader()
    await reader.read()
    await reader.cancel()
    expect((await fetch(server.url + list, { headers })).status).toBe(200)
  })

  it("redirect sends the 3xx with its location (seen with redirect: manual)", async () => {
    const server = await serve(
      Emulator.make({ faults: [{ fault: { type: "redirect", status: 307, location: "http://other.example/" } }] })
    )
    const res = await fetch(server.url + list, { headers, redirect: "manual" })
    expect([res.status, res.headers.get("location")]).toEqual([307, "http://other.example/"])
  })

  it("control API: off by default, a POST to it is a 404 and the connection stays usable", async () => {
    const emu = Emulator.make()
    const server = await serve(emu)
    const refused = await fetch(`${server.url}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ route: "list", fault: { type: "serverError" } })
    })
    expect([refused.status, await refused.json()]).toEqual([404, { detail: "Not Found" }])
    // A body nobody read is discarded: a large one does not stall the next request.
    const big = await fetch(server.url + list, { method: "POST", headers, body: "x".repeat(1024 * 1024) })
    expect(big.status).toBe(405)
    await big.arrayBuffer()
    expect((await fetch(server.url + list, { headers })).status).toBe(200)
  })

  it("control API with a token: the rule sent in the request body applies; the log holds no key", async () => {
    const token = "node-control-token"
    const emu = Emulator.make({ control: { token } })
    const server = await serve(emu)
    const rule = { route: "list", times: 1, fault: { type: "serverError", status: 503 } }
    const without = await fetch(`${server.url}/__emulator/faults`, { method: "POST", body: JSON.stringify(rule) })
    expect(without.status).toBe(404)
    await without.arrayBuffer()
    const injected = await fetch(`${server.url}/__emulator/faults`, {
      method: "POST",
      headers: { "x-emulator-token": token },
      body: JSON.stringify(rule)
    })
    expect(injected.status).toBe(204)
    expect((await fetch(server.url + list, { headers })).status).toBe(503)
    const log = await fetch(`${server.url}/__emulator/requests`, { headers: { "x-emulator-token": token } })
    const text = await log.text()
    expect(JSON.parse(text).map((r: Emulator.LoggedRequest) => [r.route, r.status, r.keyFingerprint])).toEqual([
      ["unknown", 404, undefined],
      ["list", 503, Emulator.fingerprint(Emulator.keys.full)]
    ])
    expect(text).not.toContain(Emulator.keys.full)
  })
})
