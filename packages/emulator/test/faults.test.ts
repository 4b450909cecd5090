import { describe, expect, it } from "vitest"
import { Emulator } from "../src/index.ts"
import { call, getPath, listPath } from "./helpers.ts"

const support = "agt_customer_support"
const list = listPath(support)
const get = getPath(support, "ase_customer_support_001")

describe("fault rules", () => {
  it("applies a rule to the first `times` matching requests, then is spent", async () => {
    const emu = Emulator.make({ faults: [{ times: 2, fault: { type: "serverError" } }] })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await call(emu, list)).status)
    expect(statuses).toEqual([500, 500, 200, 200])
  })

  it("applies a rule without `times` to every matching request", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "serverError" } }] })
    for (let i = 0; i < 3; i++) expect((await call(emu, list)).status).toBe(500)
  })

  it("matches by route", async () => {
    const emu = Emulator.make({ faults: [{ route: "get", fault: { type: "serverError" } }] })
    expect((await call(emu, list)).status).toBe(200)
    expect((await call(emu, get)).status).toBe(500)
  })

  it("route '*' and an absent route match any request, unknown routes included", async () => {
    for (const route of ["*", undefined] as const) {
      const emu = Emulator.make({
        faults: [{ ...(route ? { route } : {}), fault: { type: "serverError", status: 503 } }]
      })
      expect((await call(emu, list)).status).toBe(503)
      expect((await call(emu, get)).status).toBe(503)
      expect((await call(emu, "/nowhere")).status).toBe(503)
    }
  })

  it("matches by agentId and sessionId (decoded)", async () => {
    const emu = Emulator.make({
      faults: [{ agentId: support, sessionId: "ase_customer_support_002", fault: { type: "serverError" } }]
    })
    expect((await call(emu, get)).status).toBe(200)
    expect((await call(emu, getPath(support, "ase_customer_support_002"))).status).toBe(500)
    expect((await call(emu, `/v2/agents/agt%5Fcustomer_support/sessions/ase_customer_support_002`)).status).toBe(500)
    expect((await call(emu, getPath("agt_sales_assistant", "ase_customer_support_002"))).status).not.toBe(500)
  })

  it("applies the first matching rule with budget left", async () => {
    const emu = Emulator.make({
      faults: [
        { times: 1, fault: { type: "serverError", status: 502 } },
        { times: 1, fault: { type: "serverError", status: 503 } },
        { route: "get", fault: { type: "serverError", status: 504 } }
      ]
    })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await call(emu, list)).status)
    expect(statuses).toEqual([502, 503, 200])
  })

  it("probability draws from a seeded PRNG: the same seed gives the same sequence", async () => {
    const run = async (seed: number) => {
      const emu = Emulator.make({ seed, faults: [{ probability: 0.5, fault: { type: "serverError" } }] })
      const out = []
      for (let i = 0; i < 32; i++) out.push((await call(emu, list)).status)
      return out
    }
    const a = await run(42)
    expect(await run(42)).toEqual(a)
    expect(await run(43)).not.toEqual(a)
    const faulted = a.filter((s) => s === 500).length
    expect(faulted).toBeGreaterThan(4)
    expect(faulted).toBeLessThan(28)
  })

  it("probability 0 never applies and 1 always applies", async () => {
    const never = Emulator.make({ faults: [{ probability: 0, fault: { type: "serverError" } }] })
    const always = Emulator.make({ faults: [{ probability: 1, fault: { type: "serverError" } }] })
    for (let i = 0; i < 5; i++) {
      expect((await call(never, list)).status).toBe(200)
      expect((await call(always, list)).status).toBe(500)
    }
  })

  it("a rule whose draw fails passes the request on to the next rule; budget is spent only when applied", async () => {
    const emu = Emulator.make({
      faults: [
        { times: 1, probability: 0, fault: { type: "serverError", status: 502 } },
        { times: 1, fault: { type: "serverError", status: 503 } }
      ]
    })
    expect((await call(emu, list)).status).toBe(503)
    expect((await call(emu, list)).status).toBe(200)
  })

  it("inject appends rules at runtime and clearFaults removes them", async () => {
    const emu = Emulator.make()
    emu.inject({ fault: { type: "serverError" } })
    expect((await call(emu, list)).status).toBe(500)
    emu.clearFaults()
    expect((await call(emu, list)).status).toBe(200)
  })

  it("logs the applied fault's type", async () => {
    const emu = Emulator.make({ faults: [{ times: 1, fault: { type: "rateLimit" } }] })
    await call(emu, list)
    await call(emu, list)
    expect(emu.requests.map((r) => [r.status, r.fault])).toEqual([[429, "rateLimit"], [200, undefined]])
  })

  it("rejects invalid rules at inject time", () => {
    const emu = Emulator.make()
    expect(() => emu.inject({ fault: { type: "status", status: 99 } })).toThrow(RangeError)
    expect(() => emu.inject({ probability: 2, fault: { type: "hang" } })).toThrow(RangeError)
    expect(() => emu.inject({ times: -1, fault: { type: "hang" } })).toThrow(RangeError)
    expect(() => emu.inject({ fault: { type: "nope" } as never })).toThrow(RangeError)
    expect(() => Emulator.make({ faults: [{ fault: { type: "latency", ms: -1 } }] })).toThrow(RangeError)
  })
})

describe("faults", () => {
  it("latency delays the normal answer by `ms`", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "latency", ms: 30 } }] })
    const started = performance.now()
    const res = await call(emu, list)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
    expect(res.status).toBe(200)
    expect(emu.dispatch(new Request(`http://x${list}`))).toMatchObject({ _tag: "Respond", delayMs: 30 })
  })

  it("latency gives way to the request's abort signal", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "latency", ms: 60_000 } }] })
    const controller = new AbortController()
    const pending = call(emu, list, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toThrow()
  })

  it("status sends any status with a JSON body and extra headers", async () => {
    const emu = Emulator.make({
      faults: [{ fault: { type: "status", status: 418, body: { code: "teapot" }, headers: { "x-extra": "1" } } }]
    })
    const res = await call(emu, get)
    expect(res.status).toBe(418)
    expect(res.headers.get("content-type")).toBe("application/json")
    expect(res.headers.get("x-extra")).toBe("1")
    expect(res.headers.get("x-request-id")).toBeTruthy()
    expect(await res.json()).toEqual({ code: "teapot" })
  })

  it("status sends a string body verbatim, and an empty body when none is given", async () => {
    const emu = Emulator.make({
      faults: [
        {
          times: 1,
          fault: { type: "status", status: 400, body: "<h1>Bad</h1>", headers: { "content-type": "text/html" } }
        },
        { times: 1, fault: { type: "status", status: 500 } },
        { times: 1, fault: { type: "status", status: 204, body: "ignored" } }
      ]
    })
    const html = await call(emu, list)
    expect([html.status, html.headers.get("content-type"), await html.text()]).toEqual([
      400,
      "text/html",
      "<h1>Bad</h1>"
    ])
    const empty = await call(emu, list)
    expect([empty.status, await empty.text()]).toEqual([500, ""])
    const noContent = await call(emu, list)
    expect([noContent.status, await noContent.text()]).toEqual([204, ""])
  })

  it("rateLimit sends 429 rate_limit_exceeded (v2 error form) with the given retry headers verbatim", async () => {
    const emu = Emulator.make({
      faults: [{ fault: { type: "rateLimit", retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", retryAfterMs: "1500" } }]
    })
    const res = await call(emu, get)
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBe("Wed, 21 Oct 2015 07:28:00 GMT")
    expect(res.headers.get("retry-after-ms")).toBe("1500")
    expect((await res.json()).error.code).toBe("rate_limit_exceeded")
  })

  it("rateLimit without retry values sends no retry headers; on v1 the body is FastAPI's {detail}", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "rateLimit" } }] })
    const res = await call(emu, list)
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBeNull()
    expect(res.headers.get("retry-after-ms")).toBeNull()
    expect(typeof (await res.json()).detail).toBe("string")
  })

  it("serverError sends a JSON 500 by default and a gateway HTML page for 502/503/504", async () => {
    const emu = Emulator.make({
      faults: [
        { times: 1, fault: { type: "serverError" } },
        { times: 1, fault: { type: "serverError", status: 502 } }
      ]
    })
    const internal = await call(emu, get)
    expect(internal.status).toBe(500)
    expect((await internal.json()).error.code).toBe("internal_error")
    const gateway = await call(emu, get)
    expect(gateway.status).toBe(502)
    expect(gateway.headers.get("content-type")).toBe("text/html")
    expect(await gateway.text()).toContain("502 Bad Gateway")
  })

  it("malformed sends 200 application/json whose body is not JSON", async () => {
    const res = await call(Emulator.make({ faults: [{ fault: { type: "malformed" } }] }), get)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/json")
    await expect(res.json()).rejects.toThrow(SyntaxError)
  })

  it("truncated sends the success JSON cut in half", async () => {
    const emu = Emulator.make({ faults: [{ times: 1, fault: { type: "truncated" } }] })
    const cut = await (await call(emu, get)).text()
    const full = await (await call(emu, get)).text()
    expect(full.startsWith(cut)).toBe(true)
    expect(cut.length).toBe(Math.floor(full.length / 2))
    expect(() => JSON.parse(cut)).toThrow(SyntaxError)
  })

  it("truncated still sends a cut 200 for a request that would have failed", async () => {
    const res = await call(Emulator.make({ faults: [{ fault: { type: "truncated" } }] }), listPath("agt_nobody"))
    expect(res.status).toBe(200)
    await expect(res.json()).rejects.toThrow(SyntaxError)
  })

  it("wrongShape sends valid JSON of neither list shape nor the session shape", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "wrongShape" } }] })
    const listBody = await (await call(emu, list)).json()
    expect(Array.isArray(listBody)).toBe(false)
    expect(listBody.sessions.some((s: unknown) => typeof s !== "string")).toBe(true)
    const getBody = await (await call(emu, get)).json()
    expect(typeof getBody.id).not.toBe("string")
  })

  it("hugeBody streams exactly `bytes` bytes of JSON without content-length", async () => {
    const bytes = 300_000
    const res = await call(Emulator.make({ faults: [{ fault: { type: "hugeBody", bytes } }] }), list)
    expect(res.status).toBe(200)
    expect(res.headers.get("content-length")).toBeNull()
    const body = new Uint8Array(await res.arrayBuffer())
    expect(body.byteLength).toBe(bytes)
    expect(JSON.parse(new TextDecoder().decode(body)).padding).toHaveLength(bytes - `{"padding":""}`.length)
  })

  it("redirect sends the status and location (302 by default)", async () => {
    const emu = Emulator.make({
      faults: [
        { times: 1, fault: { type: "redirect", location: "https://elsewhere.example/v1/agent/x/sessions" } },
        { times: 1, fault: { type: "redirect", status: 308, location: "/v1/agent/agt_customer_support/sessions" } }
      ]
    })
    const first = await call(emu, list)
    expect([first.status, first.headers.get("location")]).toEqual([
      302,
      "https://elsewhere.example/v1/agent/x/sessions"
    ])
    const second = await call(emu, list)
    expect([second.status, second.headers.get("location")]).toEqual([308, "/v1/agent/agt_customer_support/sessions"])
  })

  it("reset rejects handler() like fetch's network error, and dispatch() says Reset", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "reset" } }] })
    await expect(call(emu, list)).rejects.toThrow(TypeError)
    expect(emu.dispatch(new Request(`http://x${list}`))).toEqual({ _tag: "Reset" })
    expect(emu.requests.map((r) => [r.status, r.fault])).toEqual([[0, "reset"], [0, "reset"]])
  })

  it("reset midBody sends 200 headers and half the body, then fails the body stream", async () => {
    const res = await call(Emulator.make({ faults: [{ fault: { type: "reset", when: "midBody" } }] }), get)
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
  })

  it("hang stays pending until the request's signal aborts", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "hang" } }] })
    const controller = new AbortController()
    let settled = false
    const pending = call(emu, list, { signal: controller.signal }).finally(() => {
      settled = true
    })
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    controller.abort()
    await expect(pending).rejects.toThrow()
    expect(emu.requests[0]).toMatchObject({ status: 0, fault: "hang" })
  })
})
