/**
 * `DenoLyzr.layer` (Effect 4) under the real Deno runtime, against the emulator served with `Deno.serve` on
 * loopback: what this adapter adds to effect4-core, over Deno's own fetch — the transport (each attempt's
 * deadline and the body cap inside fetch, `redirect: "manual"`), Deno's network errors and permissions.
 * The status → error mapping, retries and decoding are core's, covered by the behaviour suite.
 *
 * Run: deno test --no-prompt --allow-net=127.0.0.1 --allow-env=LYZR_API_KEY,... test-deno/
 */
import { RetryPolicy } from "@lyzr-effect/effect4-core"
import { DateTime, Duration, Effect, Exit } from "effect"
import { strict as assert } from "node:assert"
import { Emulator, failure, get, list, run, success, withEmulator } from "./support.ts"

Deno.test("list returns the agent's session ids over Deno's fetch, from either wire shape", async () => {
  for (const listShape of ["documented", "live"] as const) {
    await withEmulator(async ({ url }) => {
      const ids = success(await run(url, list("agt_customer_support")))
      assert.deepEqual(ids, ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
    }, { listShape })
  }
})

Deno.test("get returns the documented session, sending the key as x-api-key", () =>
  withEmulator(async ({ emulator, url }) => {
    const session = success(await run(url, get("agt_customer_support", "ase_customer_support_001")))
    assert.equal(session.id, "ase_customer_support_001")
    assert.equal(session.agent_id, "agt_customer_support")
    assert.equal(DateTime.formatIso(session.created_at), "2024-01-15T10:30:00.000Z")
    assert.equal(emulator.requests[0]?.keyFingerprint, Emulator.fingerprint(Emulator.keys.full))
  }))

Deno.test("a documented error comes back as its tag with status and code", () =>
  withEmulator(async ({ url }) => {
    const error = failure(await run(url, get("agt_customer_support", "ase_nothing")))
    assert.equal(error._tag, "SessionNotFound")
    assert.equal(error.status, 404)
    assert.equal(error.code, "session_not_found")
    assert.match(error.requestId ?? "", /^req_/)
  }))

Deno.test("an error never shows the API key, in any rendering", () =>
  withEmulator(async ({ url }) => {
    const apiKey = "sk-deno-secret-0123456789abcdef"
    const exit = await run(url, list("agt_customer_support"), { apiKey })
    const error = failure(exit)
    assert.equal(error._tag, "Unauthorized")
    for (const text of [String(error), JSON.stringify(error), Exit.isFailure(exit) ? String(exit.cause) : ""]) {
      assert.ok(!text.includes(apiKey), text)
    }
  }))

Deno.test("a same-origin redirect is followed (Deno's fetch honours redirect: manual)", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({
      route: "list",
      agentId: "agt_sales_assistant",
      times: 1,
      fault: { type: "redirect", status: 307, location: "/v1/agent/agt_customer_support/sessions" }
    })
    const ids = success(await run(url, list("agt_sales_assistant")))
    assert.equal(ids[0], "ase_customer_support_001")
    assert.equal(emulator.requests.length, 2)
  }))

Deno.test("a cross-origin redirect is not followed and the key never reaches the other origin", () =>
  withEmulator((other) =>
    withEmulator(async ({ emulator, url }) => {
      emulator.inject({
        times: 1,
        fault: { type: "redirect", location: `${other.url}/v1/agent/agt_customer_support/sessions` }
      })
      const error = failure(await run(url, list("agt_customer_support")))
      assert.equal(error._tag, "UnexpectedResponse")
      assert.equal(other.emulator.requests.length, 0)
    })
  ))

Deno.test("a body over maxResponseBytes fails with UnexpectedResponse (the cap in the transport)", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "hugeBody", bytes: 256 * 1024 } })
    const error = failure(await run(url, list("agt_customer_support"), { maxResponseBytes: 64 * 1024 }))
    assert.equal(error._tag, "UnexpectedResponse")
    assert.equal(error.status, 200)
    assert.match(error.message, /65536/)
  }))

Deno.test("a connection that breaks mid-body fails with TransportError", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "reset", when: "midBody" } })
    const error = failure(await run(url, list("agt_customer_support")))
    assert.equal(error._tag, "TransportError")
  }))

Deno.test("a server that never answers fails with RequestTimeout at the per-attempt deadline", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ fault: { type: "hang" } })
    const started = performance.now()
    const error = failure(await run(url, list("agt_customer_support"), { timeout: "300 millis" }))
    const elapsed = performance.now() - started
    assert.equal(error._tag, "RequestTimeout")
    assert.equal(error._tag === "RequestTimeout" ? Duration.toMillis(error.timeout) : undefined, 300)
    assert.ok(elapsed >= 290 && elapsed < 5_000, `timed out after ${elapsed} ms`)
  }))

Deno.test("a 503 is retried over a new request, then the call succeeds", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "serverError", status: 503 } })
    const ids = success(await run(url, list("agt_onboarding_bot"), { maxRetries: 1 }))
    assert.deepEqual(ids, [])
    assert.equal(emulator.requests.length, 2)
  }))

Deno.test("a refused connection fails with TransportError", async () => {
  // Bind a port, then free it: nothing listens there any more.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 })
  const port = (listener.addr as Deno.NetAddr).port
  listener.close()
  const error = failure(await run(`http://127.0.0.1:${port}`, list("agt_customer_support")))
  assert.equal(error._tag, "TransportError")
})

Deno.test("a call without --allow-net for the host fails at once with a TransportError naming the flag", {
  permissions: { net: false }
}, async () => {
  const started = performance.now()
  const error = failure(
    await run("http://127.0.0.1:45999", list("agt_customer_support"), {
      retryPolicy: RetryPolicy.make({ maxRetries: 3, initialDelay: "5 seconds" })
    })
  )
  assert.equal(error._tag, "TransportError")
  assert.match(error.message, /--allow-net=127\.0\.0\.1:45999$/)
  assert.match(error._tag === "TransportError" ? String(error.cause) : "", /^NotCapable/)
  // Not retried: one retry of this policy would wait at least 3.75 s.
  assert.ok(performance.now() - started < 3_000)
})

Deno.test("the layer is usable from Effect.gen with the service in context", () =>
  withEmulator(async ({ url }) => {
    const program = Effect.gen(function*() {
      const ids = yield* list("agt_customer_support")
      return yield* get("agt_customer_support", ids[1]!)
    })
    const session = success(await run(url, program))
    assert.equal(session.id, "ase_customer_support_002")
  }))
