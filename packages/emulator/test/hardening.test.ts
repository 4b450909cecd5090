// The control API (off unless asked for, or behind a token), the bounded request log and the key
// fingerprint, through `emu.handler` (the in-process host). The other hosts have their own tests of
// the control API in node.test.ts, worker.test.ts, EmulatorHttpClient.test.ts and test-deno/.
import { FastCheck } from "effect"
import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { Emulator } from "../src/index.ts"
import { call, listPath, origin } from "./helpers.ts"

const support = "agt_customer_support"

/** A control request through `emu.handler`. */
const control = (
  emu: Emulator.Emulator,
  method: string,
  path: string,
  options: { readonly token?: string; readonly body?: string } = {}
): Promise<Response> =>
  emu.handler(
    new Request(`${origin}/__emulator/${path}`, {
      method,
      headers: options.token === undefined ? {} : { "x-emulator-token": options.token },
      ...(options.body === undefined ? {} : { body: options.body })
    })
  )

const rule = JSON.stringify({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })

describe("control API", () => {
  it("is off by default: each endpoint answers 404 like an unknown route, is logged as one, and does nothing", async () => {
    const emu = Emulator.make()
    const answers = [
      await control(emu, "POST", "faults", { body: rule }),
      await control(emu, "DELETE", "faults"),
      await control(emu, "GET", "requests"),
      await control(emu, "POST", "reset")
    ]
    for (const answer of answers) expect([answer.status, await answer.json()]).toEqual([404, { detail: "Not Found" }])
    expect((await call(emu, listPath(support))).status).toBe(200)
    expect(emu.requests.map((r) => [r.route, r.status])).toEqual([
      ["unknown", 404],
      ["unknown", 404],
      ["unknown", 404],
      ["unknown", 404],
      ["list", 200]
    ])
  })

  it("control: false is the same as absent", async () => {
    const emu = Emulator.make({ control: false })
    expect((await control(emu, "POST", "faults", { body: rule })).status).toBe(404)
    expect((await call(emu, listPath(support))).status).toBe(200)
  })

  it("control: true injects, lists, clears and resets; its own requests are not logged", async () => {
    const emu = Emulator.make({ control: true })
    expect((await control(emu, "POST", "faults", { body: rule })).status).toBe(204)
    expect((await call(emu, listPath(support))).status).toBe(503)
    const log = await control(emu, "GET", "requests")
    expect(log.status).toBe(200)
    expect(await log.json()).toEqual([expect.objectContaining({ route: "list", status: 503, fault: "serverError" })])

    expect((await control(emu, "POST", "faults", { body: rule })).status).toBe(204)
    expect((await control(emu, "DELETE", "faults")).status).toBe(204)
    expect((await call(emu, listPath(support))).status).toBe(200)

    expect((await control(emu, "POST", "reset")).status).toBe(204)
    expect(emu.requests).toEqual([])
  })

  it("applies no fault to its own requests", async () => {
    const emu = Emulator.make({ control: true, faults: [{ fault: { type: "reset" } }] })
    expect((await control(emu, "DELETE", "faults")).status).toBe(204)
    expect((await call(emu, listPath(support))).status).toBe(200)
  })

  it("refuses a bad rule (400), a body that is not JSON (400), an oversized body (413) and a wrong method (405)", async () => {
    const emu = Emulator.make({ control: true })
    const invalid = await control(emu, "POST", "faults", {
      body: JSON.stringify({ fault: { type: "status", status: 42 } })
    })
    expect(invalid.status).toBe(400)
    expect((await invalid.json()).detail).toMatch(/status/)
    const notJson = await control(emu, "POST", "faults", { body: "{fault" })
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).detail).toMatch(/not JSON/)
    const huge = await control(emu, "POST", "faults", { body: `{"pad":"${"x".repeat(70_000)}"}` })
    expect(huge.status).toBe(413)
    const wrongMethod = await control(emu, "GET", "faults")
    expect([wrongMethod.status, wrongMethod.headers.get("allow")]).toEqual([405, "POST, DELETE"])
    expect((await call(emu, listPath(support))).status).toBe(200)
  })

  it("leaves other paths under /__emulator/ to the service (404)", async () => {
    const emu = Emulator.make({ control: true })
    expect((await control(emu, "GET", "nothing")).status).toBe(404)
    expect(emu.requests.map((r) => r.route)).toEqual(["unknown"])
  })

  it("with a token, answers only requests that carry it; any other gets the 404 and changes nothing", async () => {
    const token = "s3cret-token"
    const emu = Emulator.make({ control: { token } })
    for (const wrong of [undefined, "", "s3cret-tokeN", "s3cret-token-", "s3cret-toke"]) {
      const refused = await control(emu, "POST", "faults", {
        body: rule,
        ...(wrong === undefined ? {} : { token: wrong })
      })
      expect([wrong, refused.status]).toEqual([wrong, 404])
    }
    expect((await call(emu, listPath(support))).status).toBe(200)
    expect((await control(emu, "POST", "faults", { body: rule, token })).status).toBe(204)
    expect((await call(emu, listPath(support))).status).toBe(503)
  })

  it("refuses an invalid control option with a RangeError that does not repeat the value", () => {
    for (const option of [{ token: "" }, { token: 42 }, "yes", { secret: "hunter2-hunter2" }]) {
      expect(() => Emulator.make({ control: option as never })).toThrow(RangeError)
      expect(() => Emulator.make({ control: option as never })).not.toThrow(/hunter2/)
    }
  })
})

describe("request log, a ring buffer", () => {
  const requestIds = (emu: Emulator.Emulator) => emu.requests.map((r) => Number.parseInt(r.requestId.slice(-8), 16))

  it("keeps the last 1000 requests by default, oldest first", async () => {
    const emu = Emulator.make()
    for (let i = 0; i < 1005; i++) await call(emu, listPath(support))
    const ids = requestIds(emu)
    expect(ids).toHaveLength(1000)
    expect([ids[0], ids.at(-1)]).toEqual([6, 1005])
  })

  it("keeps the last requestLogSize requests, in arrival order, for any size and count", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(FastCheck.nat(12), FastCheck.nat(40), async (size, count) => {
        const emu = Emulator.make({ requestLogSize: size })
        for (let i = 0; i < count; i++) await call(emu, listPath(support))
        const expected = Array.from({ length: count }, (_, i) => i + 1).slice(Math.max(0, count - size))
        expect(requestIds(emu)).toEqual(expected)
      }),
      { numRuns: 200 }
    )
  })

  it("starts over after reset, in order again once it wraps", async () => {
    const emu = Emulator.make({ requestLogSize: 3 })
    for (let i = 0; i < 5; i++) await call(emu, listPath(support))
    emu.reset()
    expect(emu.requests).toEqual([])
    for (let i = 0; i < 4; i++) await call(emu, listPath(support))
    expect(requestIds(emu)).toEqual([2, 3, 4])
  })

  it("requestLogSize 0 keeps nothing and still answers", async () => {
    const emu = Emulator.make({ requestLogSize: 0 })
    expect((await call(emu, listPath(support))).status).toBe(200)
    expect(emu.requests).toEqual([])
  })

  it("refuses a size that is not an integer >= 0", () => {
    for (const size of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10"]) {
      expect(() => Emulator.make({ requestLogSize: size as number })).toThrow(RangeError)
    }
  })
})

describe("key fingerprint", () => {
  const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex")

  it("is the first 8 hex digits of the key's SHA-256 (checked against node:crypto)", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.string({ unit: "binary", maxLength: 200 }), (key) => {
        expect(Emulator.fingerprint(key)).toBe(sha256(key).slice(0, 8))
      }),
      { numRuns: 200 }
    )
    // Lengths around the 55/56/64-byte padding boundaries.
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      expect(Emulator.fingerprint("k".repeat(n))).toBe(sha256("k".repeat(n)).slice(0, 8))
    }
    expect(Emulator.fingerprint("lyzr-emulator-key")).toBe("524a2c32")
  })

  it("is what the log keeps: the key itself is in no entry, for any key a header can carry", async () => {
    const headerKey = FastCheck.stringMatching(/^[!-~]{12,64}$/)
    await FastCheck.assert(
      FastCheck.asyncProperty(headerKey, async (key) => {
        const emu = Emulator.make({ control: true })
        await call(emu, listPath(support), { key })
        const [entry] = emu.requests
        expect(entry!.keyFingerprint).toBe(sha256(key).slice(0, 8))
        const logged = await (await control(emu, "GET", "requests")).text()
        for (const text of [JSON.stringify(emu.requests), logged]) {
          expect(text).not.toContain(key)
          expect(text).not.toContain(JSON.stringify(key).slice(1, -1))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("tells keys apart and records an absent key as undefined", async () => {
    const emu = Emulator.make()
    await call(emu, listPath(support), { key: Emulator.keys.full })
    await call(emu, listPath(support), { key: Emulator.keys.restricted })
    await call(emu, listPath(support), { key: null })
    expect(emu.requests.map((r) => r.keyFingerprint)).toEqual([
      Emulator.fingerprint(Emulator.keys.full),
      Emulator.fingerprint(Emulator.keys.restricted),
      undefined
    ])
    expect(Emulator.fingerprint(Emulator.keys.full)).not.toBe(Emulator.fingerprint(Emulator.keys.restricted))
  })
})
