// Runs under the real Deno binary (see test/deno.test.ts, which spawns
// `deno test --allow-net=127.0.0.1` on this file). Imports the emulator's
// TypeScript sources directly: no npm, no network.
import { serveDeno } from "../src/deno.ts"
import * as Emulator from "../src/Emulator.ts"

const headers = { "x-api-key": Emulator.keys.full }
const list = "/v1/agent/agt_customer_support/sessions"
const get = "/v2/agents/agt_customer_support/sessions/ase_customer_support_001"

function assertEquals(actual: unknown, expected: unknown, what = "value"): void {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`)
}

async function withServer(
  options: Emulator.Options,
  f: (url: string, emu: Emulator.Emulator) => Promise<void>
): Promise<void> {
  const emu = Emulator.make(options)
  const server = serveDeno(emu)
  try {
    await f(server.url, emu)
  } finally {
    await server.close()
  }
}

Deno.test("serveDeno listens on an ephemeral 127.0.0.1 port", async () => {
  await withServer({}, async (url) => {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`unexpected url ${url}`)
  })
})

Deno.test("serves the documented list shape", async () => {
  await withServer({}, async (url) => {
    const res = await fetch(url + list, { headers })
    assertEquals(res.status, 200, "status")
    assertEquals(await res.json(), {
      sessions: ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
    })
  })
})

Deno.test("serves the live list shape", async () => {
  await withServer({ listShape: "live" }, async (url) => {
    const body = await (await fetch(url + list, { headers })).json()
    assertEquals(body[0].session_id, "ase_customer_support_001")
  })
})

Deno.test("serves the document's example session with a request id", async () => {
  await withServer({}, async (url) => {
    const res = await fetch(url + get, { headers })
    assertEquals(res.status, 200, "status")
    if (!res.headers.get("x-request-id")) throw new Error("no x-request-id")
    const body = await res.json()
    assertEquals([body.id, body.agent_id, body.enabled, body.created_at], [
      "ase_customer_support_001",
      "agt_customer_support",
      true,
      "2024-01-15T10:30:00Z"
    ])
  })
})

Deno.test("serves the documented errors", async () => {
  await withServer({}, async (url) => {
    const missing = await fetch(url + "/v2/agents/agt_customer_support/sessions/ase_nope", { headers })
    assertEquals([missing.status, (await missing.json()).error.code], [404, "session_not_found"])
    const forbidden = await fetch(url + "/v2/agents/agt_sales_assistant/sessions/ase_sales_lead_101", {
      headers: { "x-api-key": Emulator.keys.restricted }
    })
    assertEquals([forbidden.status, (await forbidden.json()).error.code], [403, "forbidden"])
    const noKey = await fetch(url + list)
    assertEquals([noKey.status, await noKey.json()], [401, { detail: "Missing API key" }])
  })
})

Deno.test("rateLimit fault: 429 with retry headers, then served", async () => {
  await withServer(
    { faults: [{ times: 1, fault: { type: "rateLimit", retryAfter: "2", retryAfterMs: "2000" } }] },
    async (url) => {
      const limited = await fetch(url + get, { headers })
      assertEquals(
        [limited.status, limited.headers.get("retry-after"), limited.headers.get("retry-after-ms")],
        [429, "2", "2000"]
      )
      assertEquals((await limited.json()).error.code, "rate_limit_exceeded")
      const ok = await fetch(url + get, { headers })
      assertEquals(ok.status, 200)
      await ok.body?.cancel()
    }
  )
})

Deno.test("latency fault delays the response", async () => {
  await withServer({ faults: [{ fault: { type: "latency", ms: 30 } }] }, async (url) => {
    const started = performance.now()
    const res = await fetch(url + list, { headers })
    await res.body?.cancel()
    if (performance.now() - started < 25) throw new Error("answered too early")
  })
})

Deno.test("reset fault: reading the response fails", async () => {
  await withServer({ faults: [{ fault: { type: "reset" } }] }, async (url) => {
    let failed = false
    try {
      const res = await fetch(url + list, { headers })
      await res.text()
    } catch {
      failed = true
    }
    if (!failed) throw new Error("expected a connection failure")
  })
})

Deno.test("hang fault: the client's abort ends the request and close() returns", async () => {
  const emu = Emulator.make({ faults: [{ fault: { type: "hang" } }] })
  const server = serveDeno(emu)
  const controller = new AbortController()
  const pending = fetch(server.url + list, { headers, signal: controller.signal })
  // Abort once the emulator has the request.
  while (emu.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  controller.abort()
  let aborted = false
  try {
    await pending
  } catch {
    aborted = true
  }
  if (!aborted) throw new Error("expected the fetch to abort")
  const started = performance.now()
  await server.close()
  if (performance.now() - started > 2000) throw new Error("close() took too long")
})

Deno.test("close() releases a hung request still open", async () => {
  const emu = Emulator.make({ faults: [{ fault: { type: "hang" } }] })
  const server = serveDeno(emu)
  const pending = fetch(server.url + list, { headers }).then((res) => res.text()).then(
    () => "answered",
    () => "failed"
  )
  while (emu.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
  await server.close()
  assertEquals(await pending, "failed")
})

Deno.test("control API: off by default, a 404 that changes nothing", async () => {
  await withServer({}, async (url) => {
    const refused = await fetch(url + "/__emulator/faults", {
      method: "POST",
      body: JSON.stringify({ route: "list", fault: { type: "serverError" } })
    })
    assertEquals([refused.status, await refused.json()], [404, { detail: "Not Found" }])
    const served = await fetch(url + list, { headers })
    assertEquals(served.status, 200)
    await served.body?.cancel()
  })
})

Deno.test("control API with a token: injects the rule, only for the right token", async () => {
  const token = "deno-control-token"
  await withServer({ control: { token } }, async (url, emu) => {
    const rule = JSON.stringify({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })
    const wrong = await fetch(url + "/__emulator/faults", {
      method: "POST",
      headers: { "x-emulator-token": "deno-control-tokem" },
      body: rule
    })
    assertEquals(wrong.status, 404, "wrong token")
    await wrong.body?.cancel()
    const injected = await fetch(url + "/__emulator/faults", {
      method: "POST",
      headers: { "x-emulator-token": token },
      body: rule
    })
    assertEquals(injected.status, 204, "right token")
    const failed = await fetch(url + list, { headers })
    assertEquals(failed.status, 503, "the injected fault")
    await failed.body?.cancel()
    assertEquals(emu.requests.map((r) => r.keyFingerprint), [undefined, Emulator.fingerprint(Emulator.keys.full)])
  })
})
