import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Fiber } from "effect"
import { HttpBody, HttpClient, HttpClientError } from "effect/http"
import { TestClock } from "effect/testing"
import { Emulator, EmulatorHttpClient } from "../src/index.ts"

const origin = "http://emulator.test"
const headers = { "x-api-key": Emulator.keys.full }
const list = `${origin}/v1/agent/agt_customer_support/sessions`
const get = `${origin}/v2/agents/agt_customer_support/sessions/ase_customer_support_001`

const withEmulator = (emu: Emulator.Emulator) => Effect.provide(EmulatorHttpClient.layerHttpClient(emu))

/** The reason inside an `HttpClientError` (Effect 4 wraps every client failure in one class). */
const reasonOf = (error: unknown) => {
  assert.isTrue(HttpClientError.isHttpClientError(error), `not an HttpClientError: ${String(error)}`)
  return (error as HttpClientError.HttpClientError).reason
}

describe("EmulatorHttpClient.layerHttpClient (Effect 4)", () => {
  it.effect("answers a request in process with the emulator's response", () =>
    Effect.gen(function*() {
      const emu = Emulator.make()
      const response = yield* HttpClient.get(get, { headers }).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 200)
      assert.match(response.headers["x-request-id"] ?? "", /^req_/)
      const body = (yield* response.json) as { id: string; agent_id: string; enabled: boolean }
      assert.deepStrictEqual([body.id, body.agent_id, body.enabled], [
        "ase_customer_support_001",
        "agt_customer_support",
        true
      ])
      assert.strictEqual(emu.requests.length, 1)
      assert.strictEqual(emu.requests[0]!.keyFingerprint, Emulator.fingerprint(Emulator.keys.full))
    }))

  it.effect("serves the list shape the emulator was made with", () =>
    Effect.gen(function*() {
      const documented = yield* HttpClient.get(list, { headers }).pipe(
        Effect.flatMap((response) => response.json),
        withEmulator(Emulator.make())
      )
      assert.deepStrictEqual(documented, {
        sessions: ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
      })
      const live = yield* HttpClient.get(list, { headers }).pipe(
        Effect.flatMap((response) => response.json),
        withEmulator(Emulator.make({ listShape: "live" }))
      )
      assert.isTrue(Array.isArray(live))
      assert.strictEqual((live as Array<{ session_id: string }>)[0]!.session_id, "ase_customer_support_001")
    }))

  it.effect("sends the request's method, headers and body to the emulator (the control API reads the body)", () =>
    Effect.gen(function*() {
      const rule = JSON.stringify({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })
      const post = (emu: Emulator.Emulator) =>
        HttpClient.post(`${origin}/__emulator/faults`, { body: HttpBody.text(rule, "application/json") }).pipe(
          withEmulator(emu),
          Effect.map((response) => response.status)
        )
      const listStatus = (emu: Emulator.Emulator) =>
        HttpClient.get(list, { headers }).pipe(withEmulator(emu), Effect.map((response) => response.status))
      const off = Emulator.make()
      assert.strictEqual(yield* post(off), 404)
      assert.strictEqual(yield* listStatus(off), 200)
      const on = Emulator.make({ control: true })
      assert.strictEqual(yield* post(on), 204)
      assert.strictEqual(yield* listStatus(on), 503)
      assert.strictEqual(yield* listStatus(on), 200)
    }))

  it.effect("passes status faults through as responses, headers included", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "rateLimit", retryAfter: "5", retryAfterMs: "4500" } }] })
      const response = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 429)
      assert.strictEqual(response.headers["retry-after"], "5")
      assert.strictEqual(response.headers["retry-after-ms"], "4500")
      assert.deepStrictEqual(yield* response.json, { detail: "Request rate limit exceeded" })
    }))

  it.effect("hands a redirect back as the 3xx response: nothing is followed", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({
        faults: [{ times: 1, fault: { type: "redirect", status: 307, location: "https://elsewhere.test/x" } }]
      })
      const response = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 307)
      assert.strictEqual(response.headers["location"], "https://elsewhere.test/x")
      assert.strictEqual(emu.requests.length, 1)
    }))

  it.effect("reset before headers fails with HttpClientError, reason TransportError", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "reset" } }] })
      const error = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu), Effect.flip)
      const reason = reasonOf(error)
      assert.strictEqual(reason._tag, "TransportError")
      assert.include(reason.message, "emulator: connection reset")
      assert.deepStrictEqual(emu.requests.map((request) => [request.status, request.fault]), [[0, "reset"]])
    }))

  it.effect("reset mid-body sends the headers, then fails reading the body (reason DecodeError)", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "reset", when: "midBody" } }] })
      const response = yield* HttpClient.get(get, { headers }).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 200)
      const error = yield* Effect.flip(response.text)
      assert.strictEqual(reasonOf(error)._tag, "DecodeError")
    }))

  it.effect("hang never completes until Effect.timeout interrupts it (TestClock)", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "hang" } }] })
      const fiber = yield* HttpClient.get(list, { headers }).pipe(
        Effect.timeout("30 seconds"),
        withEmulator(emu),
        Effect.forkChild
      )
      yield* TestClock.adjust("29 seconds")
      assert.isUndefined(fiber.pollUnsafe(), "still waiting one second before the deadline")
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber).pipe(Effect.flip)
      assert.isTrue(Cause.isTimeoutError(error))
      assert.deepStrictEqual(emu.requests.map((request) => [request.status, request.fault]), [[0, "hang"]])
    }))

  it.effect("latency is an Effect.sleep on the fiber's clock (TestClock)", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "latency", ms: 2_000 } }] })
      const fiber = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu), Effect.forkChild)
      yield* TestClock.adjust("1999 millis")
      assert.isUndefined(fiber.pollUnsafe(), "still waiting 1 ms before the latency is over")
      yield* TestClock.adjust("1 millis")
      const response = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)
    }))

  it.effect("routes by path only: the origin of the request URL does not matter", () =>
    Effect.gen(function*() {
      const emu = Emulator.make()
      const response = yield* HttpClient.get(
        "https://agent-dev.test.studio.lyzr.ai/v1/agent/agt_customer_support/sessions",
        { headers }
      ).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 200)
      assert.strictEqual(emu.requests[0]!.path, "/v1/agent/agt_customer_support/sessions")
    }))

  it.effect("a request without the key is answered as the service would: 401", () =>
    Effect.gen(function*() {
      const emu = Emulator.make()
      const response = yield* HttpClient.get(get).pipe(withEmulator(emu))
      assert.strictEqual(response.status, 401)
      assert.isUndefined(emu.requests[0]!.keyFingerprint)
    }))
})
