/**
 * `DenoLyzr.layer` under the real Deno runtime, against the emulator served with `Deno.serve` on
 * loopback: Deno's fetch, its `redirect: "manual"`, its errors.
 *
 * Run: deno test --no-prompt --allow-net=127.0.0.1 --allow-env=LYZR_API_KEY,... test-deno/
 */
import { type AgentSessions, RetryPolicy } from "@lyzr-effect/core"
import type { Emulator as EmulatorTypes } from "@lyzr-effect/emulator"
import { Duration, Effect, Exit } from "effect"
import { strict as assert } from "node:assert"
import { type AgentSessionsError, Emulator, failure, get, list, run, success, withEmulator } from "./support.ts"

Deno.test("list returns the agent's session ids over Deno's fetch", () =>
  withEmulator(async ({ url }) => {
    const ids = success(await run(url, list("agt_customer_support")))
    assert.deepEqual(ids, ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"])
  }))

Deno.test("list reads the live service's bare-array shape", () =>
  withEmulator(async ({ url }) => {
    const ids = success(await run(url, list("agt_sales_assistant")))
    assert.deepEqual(ids, ["ase_sales_lead_101", "ase_sales_lead_102", "ase_sales-demo_2024"])
  }, { listShape: "live" }))

Deno.test("get returns the documented session", () =>
  withEmulator(async ({ url }) => {
    const session = success(await run(url, get("agt_customer_support", "ase_customer_support_001")))
    assert.equal(session.id, "ase_customer_support_001")
    assert.equal(session.agent_id, "agt_customer_support")
    assert.equal(session.enabled, true)
  }))

Deno.test("the key is sent as x-api-key", () =>
  withEmulator(async ({ emulator, url }) => {
    success(await run(url, list("agt_customer_support")))
    assert.equal(emulator.requests[0]?.keyFingerprint, Emulator.fingerprint(Emulator.keys.full))
  }))

// Every error the service can answer with, each mapped to its tag. `fault` (when given) is injected
// for one request; otherwise the emulator's own answer is the error.
interface ErrorCase {
  readonly name: string
  readonly tag: AgentSessionsError["_tag"]
  readonly status: number | undefined
  readonly call: Effect.Effect<unknown, AgentSessionsError, AgentSessions>
  readonly fault?: EmulatorTypes.Fault
  readonly apiKey?: string
  readonly options?: { readonly maxResponseBytes?: number }
}

const errorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "400 invalid_request",
    tag: "InvalidRequest",
    status: 400,
    call: get("agt_customer_support", "ase_customer_support_001"),
    fault: { type: "status", status: 400, body: { error: { code: "invalid_request", message: "bad id" } } }
  },
  {
    name: "401 unauthorized (unknown key)",
    tag: "Unauthorized",
    status: 401,
    call: get("agt_customer_support", "ase_customer_support_001"),
    apiKey: "not-a-key-of-the-emulator"
  },
  {
    name: "403 forbidden (restricted key)",
    tag: "Forbidden",
    status: 403,
    call: get("agt_sales_assistant", "ase_sales_lead_101"),
    apiKey: Emulator.keys.restricted
  },
  { name: "404 agent_not_found", tag: "AgentNotFound", status: 404, call: get("agt_nobody", "ase_nothing") },
  {
    name: "404 session_not_found",
    tag: "SessionNotFound",
    status: 404,
    call: get("agt_customer_support", "ase_nothing")
  },
  { name: "404 of list", tag: "AgentNotFound", status: 404, call: list("agt_nobody") },
  { name: "422 validation", tag: "ValidationError", status: 422, call: list("agt with spaces") },
  {
    name: "429 rate_limit_exceeded",
    tag: "RateLimitExceeded",
    status: 429,
    call: list("agt_customer_support"),
    fault: { type: "rateLimit" }
  },
  {
    name: "500",
    tag: "ServerError",
    status: 500,
    call: list("agt_customer_support"),
    fault: { type: "serverError" }
  },
  {
    name: "503 HTML page",
    tag: "ServerError",
    status: 503,
    call: get("agt_customer_support", "ase_customer_support_001"),
    fault: { type: "serverError", status: 503 }
  },
  {
    name: "418 (undocumented status)",
    tag: "UnexpectedResponse",
    status: 418,
    call: list("agt_customer_support"),
    fault: { type: "status", status: 418, body: "teapot" }
  },
  {
    name: "200 with a body that is not JSON",
    tag: "ResponseDecodeError",
    status: 200,
    call: list("agt_customer_support"),
    fault: { type: "malformed" }
  },
  {
    name: "200 with JSON of the wrong shape",
    tag: "ResponseDecodeError",
    status: 200,
    call: get("agt_customer_support", "ase_customer_support_001"),
    fault: { type: "wrongShape" }
  },
  {
    name: "200 with a body over maxResponseBytes",
    tag: "UnexpectedResponse",
    status: 200,
    call: list("agt_customer_support"),
    fault: { type: "hugeBody", bytes: 256 * 1024 },
    options: { maxResponseBytes: 64 * 1024 }
  },
  {
    name: "a connection that breaks mid-body",
    tag: "TransportError",
    status: undefined,
    call: list("agt_customer_support"),
    fault: { type: "reset", when: "midBody" }
  }
]

for (const c of errorCases) {
  Deno.test(`${c.name} fails with ${c.tag}`, () =>
    withEmulator(async ({ emulator, url }) => {
      if (c.fault !== undefined) emulator.inject({ times: 1, fault: c.fault })
      const error = failure(
        await run(url, c.call, { ...c.options, ...(c.apiKey === undefined ? {} : { apiKey: c.apiKey }) })
      )
      assert.equal(error._tag, c.tag, String(error))
      assert.equal(error.status, c.status)
    }))
}

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

Deno.test("a 503 is retried, then the call succeeds", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "serverError", status: 503 } })
    const ids = success(await run(url, list("agt_onboarding_bot"), { maxRetries: 1 }))
    assert.deepEqual(ids, [])
    assert.equal(emulator.requests.length, 2)
  }))

Deno.test("retry-after-ms is waited out before the retry", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "rateLimit", retryAfterMs: "300" } })
    const started = performance.now()
    success(await run(url, list("agt_customer_support"), { maxRetries: 1 }))
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 290, `retried after ${elapsed} ms`)
    assert.equal(emulator.requests.length, 2)
  }))

Deno.test("Retry-After in seconds is waited out before the retry", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ times: 1, fault: { type: "rateLimit", retryAfter: "1" } })
    const started = performance.now()
    success(await run(url, get("agt_customer_support", "ase_customer_support_001"), { maxRetries: 1 }))
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 990, `retried after ${elapsed} ms`)
    assert.equal(emulator.requests.length, 2)
  }))

Deno.test("a Retry-After over 60 s fails at once with RateLimitExceeded carrying the wait", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ fault: { type: "rateLimit", retryAfter: "120" } })
    const started = performance.now()
    const error = failure(await run(url, list("agt_customer_support"), { maxRetries: 2 }))
    assert.ok(performance.now() - started < 5_000)
    assert.equal(error._tag, "RateLimitExceeded")
    assert.equal(
      error._tag === "RateLimitExceeded" && error.retryAfter !== undefined
        ? Duration.toMillis(error.retryAfter)
        : undefined,
      120_000
    )
    assert.equal(emulator.requests.length, 1)
  }))

Deno.test("a server that never answers fails with RequestTimeout after the per-attempt timeout", () =>
  withEmulator(async ({ emulator, url }) => {
    emulator.inject({ fault: { type: "hang" } })
    const started = performance.now()
    const error = failure(await run(url, list("agt_customer_support"), { timeout: "300 millis" }))
    const elapsed = performance.now() - started
    assert.equal(error._tag, "RequestTimeout")
    assert.ok(elapsed >= 290 && elapsed < 5_000, `timed out after ${elapsed} ms`)
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
  assert.match(error.cause ?? "", /^NotCapable/)
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
