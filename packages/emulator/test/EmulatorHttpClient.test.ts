import { HttpBody, HttpClient, HttpClientError } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, TestClock } from "effect"
import { Emulator, EmulatorHttpClient } from "../src/index.ts"
import { example, getPath, listPath, origin } from "./helpers.ts"

const headers = { "x-api-key": Emulator.keys.full }
const get = origin + getPath("agt_customer_support", "ase_customer_support_001")
const list = origin + listPath("agt_customer_support")

const withEmulator = (emu: Emulator.Emulator) => Effect.provide(EmulatorHttpClient.layerHttpClient(emu))

describe("EmulatorHttpClient.layerHttpClient", () => {
  it.effect("answers a request in process with the emulator's response", () =>
    Effect.gen(function*() {
      const emu = Emulator.make()
      const response = yield* HttpClient.get(get, { headers }).pipe(withEmulator(emu))
      expect(response.status).toBe(200)
      expect(response.headers["x-request-id"]).toMatch(/^req_/)
      expect(yield* response.json).toEqual(example)
      expect(emu.requests).toHaveLength(1)
      expect(emu.requests[0]!.keyFingerprint).toBe(Emulator.fingerprint(Emulator.keys.full))
    }))

  it.effect("answers the control API only when it is on", () =>
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
      expect(yield* post(off)).toBe(404)
      expect(yield* listStatus(off)).toBe(200)
      const on = Emulator.make({ control: true })
      expect(yield* post(on)).toBe(204)
      expect(yield* listStatus(on)).toBe(503)
    }))

  it.effect("passes status faults through as responses", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "rateLimit", retryAfter: "5" } }] })
      const response = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu))
      expect(response.status).toBe(429)
      expect(response.headers["retry-after"]).toBe("5")
      expect(yield* response.json).toEqual({ detail: "Request rate limit exceeded" })
    }))

  it.effect("reset fails with RequestError, reason Transport", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "reset" } }] })
      const error = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu), Effect.flip)
      expect(error).toBeInstanceOf(HttpClientError.RequestError)
      expect(error._tag).toBe("RequestError")
      expect((error as HttpClientError.RequestError).reason).toBe("Transport")
    }))

  it.effect("reset midBody fails while reading the body with ResponseError", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "reset", when: "midBody" } }] })
      const response = yield* HttpClient.get(get, { headers }).pipe(withEmulator(emu))
      expect(response.status).toBe(200)
      const error = yield* Effect.flip(response.text)
      expect(error._tag).toBe("ResponseError")
    }))

  it.effect("hang never completes, and Effect.timeout interrupts it (TestClock)", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "hang" } }] })
      const fiber = yield* HttpClient.get(list, { headers }).pipe(
        Effect.timeout(Duration.seconds(30)),
        withEmulator(emu),
        Effect.fork
      )
      yield* TestClock.adjust(Duration.seconds(29))
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust(Duration.seconds(1))
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(JSON.stringify(exit)).toContain("TimeoutException")
      expect(emu.requests[0]).toMatchObject({ status: 0, fault: "hang" })
    }))

  it.effect("latency is an Effect.sleep on the fiber's clock (TestClock)", () =>
    Effect.gen(function*() {
      const emu = Emulator.make({ faults: [{ fault: { type: "latency", ms: 2_000 } }] })
      const fiber = yield* HttpClient.get(list, { headers }).pipe(withEmulator(emu), Effect.fork)
      yield* TestClock.adjust(Duration.millis(1_999))
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      yield* TestClock.adjust(Duration.millis(1))
      const response = yield* Fiber.join(fiber)
      expect(response.status).toBe(200)
    }))

  it.effect("routes by path only: the origin of the request URL does not matter", () =>
    Effect.gen(function*() {
      const response = yield* HttpClient.get(
        "https://agent-dev.test.studio.lyzr.ai/v1/agent/agt_customer_support/sessions",
        { headers }
      ).pipe(withEmulator(Emulator.make()))
      expect(response.status).toBe(200)
    }))
})
