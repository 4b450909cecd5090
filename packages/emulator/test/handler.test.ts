import { describe, expect, it } from "vitest"
import { Emulator } from "../src/index.ts"
import { call, example, getPath, listPath, origin } from "./helpers.ts"

const support = "agt_customer_support"

describe("GET /v1/agent/{agent_id}/sessions", () => {
  it("answers the documented shape by default: {sessions: [ids]}", async () => {
    const res = await call(Emulator.make(), listPath(support))
    expect(res.status).toBe(200)
    expect(res.headers.get("content-type")).toBe("application/json")
    expect(await res.json()).toEqual({
      sessions: ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
    })
  })

  it("answers the live shape: a bare array of {session_id, session_name, user_id, created_at}", async () => {
    const res = await call(Emulator.make({ listShape: "live" }), listPath(support))
    const body = await res.json()
    expect(Array.isArray(body)).toBe(true)
    expect(body[0]).toEqual({
      session_id: "ase_customer_support_001",
      session_name: "Billing inquiry - John Smith",
      user_id: "customer@example.com",
      created_at: "2024-01-15T10:30:00Z"
    })
    expect(body.map((s: { session_id: string }) => s.session_id)).toEqual([
      "ase_customer_support_001",
      "ase_customer_support_002",
      "ase_customer_support_003"
    ])
  })

  it("answers an empty list for an agent without sessions", async () => {
    expect(await (await call(Emulator.make(), listPath("agt_onboarding_bot"))).json()).toEqual({ sessions: [] })
    expect(await (await call(Emulator.make({ listShape: "live" }), listPath("agt_onboarding_bot"))).json()).toEqual([])
  })

  it("serves a legacy 24-hex agent id", async () => {
    const body = await (await call(Emulator.make(), listPath("66b1f2a9c4e5d60718293a4b"))).json()
    expect(body.sessions).toHaveLength(2)
  })

  it("answers 404 {detail} for an unknown agent", async () => {
    const res = await call(Emulator.make(), listPath("agt_nobody"))
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ detail: "Agent not found" })
  })

  it("answers a FastAPI 422 for an agent_id longer than 128 characters", async () => {
    const res = await call(Emulator.make(), listPath("a".repeat(129)))
    expect(res.status).toBe(422)
    const body = await res.json()
    expect(body.detail).toHaveLength(1)
    expect(body.detail[0]).toMatchObject({ loc: ["path", "agent_id"], type: "string_too_long" })
    expect(typeof body.detail[0].msg).toBe("string")
  })

  it("answers a FastAPI 422 for an agent_id with whitespace or control characters", async () => {
    for (const id of ["agt customer", "agt\tx", "agt\u0000x"]) {
      const res = await call(Emulator.make(), listPath(id))
      expect(res.status).toBe(422)
      expect((await res.json()).detail[0]).toMatchObject({ loc: ["path", "agent_id"], type: "string_pattern_mismatch" })
    }
  })

  it("accepts an agent_id of exactly 128 characters (then 404s it)", async () => {
    expect((await call(Emulator.make(), listPath("a".repeat(128)))).status).toBe(404)
  })

  it("answers 401 {detail} without a key and with an unknown key", async () => {
    const missing = await call(Emulator.make(), listPath(support), { key: null })
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({ detail: "Missing API key" })
    const unknown = await call(Emulator.make(), listPath(support), { key: "nope" })
    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toEqual({ detail: "Invalid API key" })
  })

  it("checks the key before the agent_id (401 beats 422)", async () => {
    expect((await call(Emulator.make(), listPath("a".repeat(200)), { key: null })).status).toBe(401)
  })

  it("answers 403 {detail} when the key may not read the agent", async () => {
    const res = await call(Emulator.make(), listPath("agt_sales_assistant"), { key: Emulator.keys.restricted })
    expect(res.status).toBe(403)
    expect(typeof (await res.json()).detail).toBe("string")
  })

  it("answers 403, not 404, for an unknown agent under a restricted key", async () => {
    expect((await call(Emulator.make(), listPath("agt_nobody"), { key: Emulator.keys.restricted })).status).toBe(403)
  })

  it("lets the restricted key read its own agent", async () => {
    expect((await call(Emulator.make(), listPath(support), { key: Emulator.keys.restricted })).status).toBe(200)
  })

  it("ignores the query string", async () => {
    expect((await call(Emulator.make(), `${listPath(support)}?limit=1`)).status).toBe(200)
  })
})

describe("GET /v2/agents/{agent_id}/sessions/{session_id}", () => {
  it("answers the API document's example session verbatim", async () => {
    const res = await call(Emulator.make(), getPath(support, "ase_customer_support_001"))
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(JSON.parse(text)).toEqual(example)
    // Field order as in the document.
    expect(Object.keys(JSON.parse(text))).toEqual([
      "id",
      "agent_id",
      "description",
      "metadata",
      "enabled",
      "created_at"
    ])
  })

  it("returns a disabled session with enabled: false", async () => {
    const body = await (await call(Emulator.make(), getPath(support, "ase_customer_support_003"))).json()
    expect(body.enabled).toBe(false)
  })

  it("accepts hyphens in session ids", async () => {
    expect((await call(Emulator.make(), getPath("agt_sales_assistant", "ase_sales-demo_2024"))).status).toBe(200)
  })

  const error = async (res: Response) => ({ status: res.status, body: await res.json() })

  it("answers 400 invalid_request for an agent_id not matching ^agt_[0-9a-zA-Z_-]+$", async () => {
    for (const agentId of ["66b1f2a9c4e5d60718293a4b", "agt_", "agt_a.b", "agt_a/b", "xagt_a"]) {
      const { status, body } = await error(await call(Emulator.make(), getPath(agentId, "ase_customer_support_001")))
      expect(status).toBe(400)
      expect(body.error.code).toBe("invalid_request")
      expect(typeof body.error.message).toBe("string")
    }
  })

  it("answers 400 invalid_request for a session_id not matching ^ase_[0-9a-zA-Z_-]+$", async () => {
    const { status, body } = await error(await call(Emulator.make(), getPath(support, "session_abc_123")))
    expect(status).toBe(400)
    expect(body.error.code).toBe("invalid_request")
  })

  it("answers 401 unauthorized without a key and with an unknown key", async () => {
    for (const key of [null, "", "nope"]) {
      const { status, body } = await error(
        await call(Emulator.make(), getPath(support, "ase_customer_support_001"), { key })
      )
      expect(status).toBe(401)
      expect(body.error.code).toBe("unauthorized")
    }
  })

  it("answers 403 forbidden when the key may not read the agent", async () => {
    const { status, body } = await error(
      await call(Emulator.make(), getPath("agt_sales_assistant", "ase_sales_lead_101"), {
        key: Emulator.keys.restricted
      })
    )
    expect(status).toBe(403)
    expect(body.error.code).toBe("forbidden")
  })

  it("answers 404 agent_not_found for an unknown agent", async () => {
    const { status, body } = await error(await call(Emulator.make(), getPath("agt_nobody", "ase_customer_support_001")))
    expect(status).toBe(404)
    expect(body).toEqual({ error: { code: "agent_not_found", message: "Agent with the specified ID does not exist" } })
  })

  it("answers 404 session_not_found for an unknown session", async () => {
    const { status, body } = await error(await call(Emulator.make(), getPath(support, "ase_nope")))
    expect(status).toBe(404)
    expect(body).toEqual({
      error: { code: "session_not_found", message: "Session with the specified ID does not exist" }
    })
  })

  it("answers 404 session_not_found for another agent's session", async () => {
    const { body } = await error(await call(Emulator.make(), getPath(support, "ase_sales_lead_101")))
    expect(body.error.code).toBe("session_not_found")
  })
})

describe("routing", () => {
  it("percent-decodes path parameters once", async () => {
    const emu = Emulator.make()
    // %5F is "_": decoded once gives the real agent id.
    expect((await call(emu, "/v1/agent/agt%5Fcustomer%5Fsupport/sessions")).status).toBe(200)
    // %255F decodes once to "%5F", which is no agent.
    expect((await call(emu, "/v1/agent/agt%255Fcustomer%255Fsupport/sessions")).status).toBe(404)
    expect(emu.requests.map((r) => r.agentId)).toEqual(["agt_customer_support", "agt%5Fcustomer%5Fsupport"])
  })

  it("keeps an encoded slash inside the parameter", async () => {
    const emu = Emulator.make()
    const res = await call(emu, getPath("agt_a/../agt_customer_support", "ase_customer_support_001"))
    expect(res.status).toBe(400)
    expect(emu.requests[0]!.agentId).toBe("agt_a/../agt_customer_support")
  })

  it("answers 404 {detail: Not Found} for unknown routes, trailing slashes and empty parameters", async () => {
    for (
      const path of ["/", "/v1/agents/agt_customer_support/sessions", `${listPath(support)}/`, "/v1/agent//sessions"]
    ) {
      const res = await call(Emulator.make(), path)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ detail: "Not Found" })
    }
  })

  it("answers 405 with allow: GET for other methods", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) {
      const res = await call(Emulator.make(), listPath(support), { method })
      expect(res.status).toBe(405)
      expect(res.headers.get("allow")).toBe("GET")
    }
  })

  it("sends x-request-id on every response, deterministic from the seed and a counter", async () => {
    const ids = async (seed: number) => {
      const emu = Emulator.make({ seed })
      const a = await call(emu, listPath(support))
      const b = await call(emu, "/nowhere")
      const c = await call(emu, getPath("agt_nobody", "ase_x"), { key: null })
      return [a, b, c].map((r) => r.headers.get("x-request-id"))
    }
    const first = await ids(7)
    expect(first.every((id) => typeof id === "string" && id.length > 0)).toBe(true)
    expect(new Set(first).size).toBe(3)
    expect(await ids(7)).toEqual(first)
    expect(await ids(8)).not.toEqual(first)
  })
})

describe("request log", () => {
  it("records method, url, path, route, ids, key fingerprint, status and time", async () => {
    const emu = Emulator.make()
    await call(emu, getPath(support, "ase_nope"), { key: "some-key" })
    const [entry] = emu.requests
    expect(entry).toMatchObject({
      method: "GET",
      url: `${origin}${getPath(support, "ase_nope")}`,
      path: getPath(support, "ase_nope"),
      route: "get",
      agentId: support,
      sessionId: "ase_nope",
      keyFingerprint: Emulator.fingerprint("some-key"),
      status: 401
    })
    expect(typeof entry!.at).toBe("number")
    expect(entry!.fault).toBeUndefined()
  })

  it("records an absent key as undefined and an unknown route without ids", async () => {
    const emu = Emulator.make()
    await call(emu, "/nowhere", { key: null })
    expect(emu.requests[0]).toMatchObject({ route: "unknown", keyFingerprint: undefined, status: 404 })
    expect("agentId" in emu.requests[0]!).toBe(false)
  })

  it("is a snapshot: later requests do not change an array already read", async () => {
    const emu = Emulator.make()
    const before = emu.requests
    await call(emu, listPath(support))
    expect(before).toHaveLength(0)
    expect(emu.requests).toHaveLength(1)
  })

  it("reset clears the log and the faults and restarts request ids", async () => {
    const emu = Emulator.make({ faults: [{ fault: { type: "serverError" } }] })
    const first = await call(emu, listPath(support))
    expect(first.status).toBe(500)
    emu.reset()
    expect(emu.requests).toHaveLength(0)
    const again = await call(emu, listPath(support))
    expect(again.status).toBe(200)
    expect(again.headers.get("x-request-id")).toBe(first.headers.get("x-request-id"))
  })
})

describe("fixtures", () => {
  it("defaultFixture returns a fresh copy each call", () => {
    const a = Emulator.defaultFixture()
    ;(a.agents as Record<string, unknown>)["agt_customer_support"] = { sessions: [] }
    expect(Emulator.defaultFixture().agents["agt_customer_support"]!.sessions).toHaveLength(3)
  })

  it("the default fixture holds 4 agents and 8 sessions, some disabled", () => {
    const f = Emulator.defaultFixture()
    const sessions = Object.values(f.agents).flatMap((a) => a.sessions)
    expect(Object.keys(f.agents)).toHaveLength(4)
    expect(sessions).toHaveLength(8)
    expect(sessions.filter((s) => !s.enabled).length).toBeGreaterThan(0)
    expect(f.keys).toEqual({ [Emulator.keys.full]: "*", [Emulator.keys.restricted]: ["agt_customer_support"] })
  })

  it("serves a fixture loaded from JSON, with session_name/user_id defaults", async () => {
    const json = JSON.stringify({
      agents: {
        agt_custom: {
          sessions: [{
            id: "ase_one",
            description: "d",
            metadata: { k: [1] },
            enabled: true,
            created_at: "2025-01-01T00:00:00Z"
          }]
        }
      },
      keys: { k1: ["agt_custom"] }
    })
    const emu = Emulator.make({ fixture: Emulator.parseFixture(JSON.parse(json)), listShape: "live" })
    expect(await (await call(emu, getPath("agt_custom", "ase_one"), { key: "k1" })).json()).toEqual({
      id: "ase_one",
      agent_id: "agt_custom",
      description: "d",
      metadata: { k: [1] },
      enabled: true,
      created_at: "2025-01-01T00:00:00Z"
    })
    expect(await (await call(emu, listPath("agt_custom"), { key: "k1" })).json()).toEqual([
      {
        session_id: "ase_one",
        session_name: "ase_one",
        user_id: "emulator-user@example.com",
        created_at: "2025-01-01T00:00:00Z"
      }
    ])
    // The default keys are not in this fixture.
    expect((await call(emu, listPath("agt_custom"))).status).toBe(401)
  })

  it("rejects an invalid fixture, naming the path", () => {
    expect(() => Emulator.parseFixture({ agents: { agt_x: { sessions: [{ id: 1 }] } }, keys: {} })).toThrow(
      /\$\.agents\["agt_x"\]\.sessions\[0\]/
    )
    expect(() => Emulator.make({ fixture: { agents: {}, keys: { k: "all" as never } } })).toThrow(TypeError)
  })

  it("copies the fixture: mutating it after make changes nothing", async () => {
    const fixture = Emulator.defaultFixture()
    const emu = Emulator.make({ fixture })
    ;(fixture.agents as Record<string, unknown>)["agt_customer_support"] = { sessions: [] }
    expect((await (await call(emu, listPath(support))).json()).sessions).toHaveLength(3)
  })
})
