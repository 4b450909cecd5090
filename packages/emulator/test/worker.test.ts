import { build } from "esbuild"
import { Miniflare } from "miniflare"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as Emulator from "../src/Emulator.ts"
import { example, getPath, listPath } from "./helpers.ts"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const headers = { "x-api-key": Emulator.keys.full }
const origin = "http://emulator.test"
const list = listPath("agt_customer_support")
const get = getPath("agt_customer_support", "ase_customer_support_001")
// `plain` has its control API on behind this token; `scripted` has it off (the default).
const controlToken = "worker-control-token"
const control = { "x-emulator-token": controlToken }

// src/worker.ts bundled as one ES module, as wrangler would.
const bundle = async (): Promise<string> => {
  const result = await build({
    entryPoints: [join(packageDir, "src", "worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent"
  })
  return result.outputFiles[0]!.text
}

// workerd logs the failed body stream of the `reset` fault as an uncaught
// exception; keep its output, and show it only if a test fails.
const runtimeOutput: Array<string> = []
// Miniflare's fetch types are undici's: `json()` is `unknown`.
interface Json {
  readonly [key: string]: any
}
const json = async (res: { json(): Promise<unknown> }): Promise<Json> => (await res.json()) as Json

const start = (script: string, bindings: Record<string, string>) =>
  new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2025-06-01",
    bindings,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.on("data", (chunk: Buffer) => runtimeOutput.push(String(chunk)))
      stderr.on("data", (chunk: Buffer) => runtimeOutput.push(String(chunk)))
    }
  })

let plain: Miniflare
let scripted: Miniflare

beforeAll(async () => {
  const script = await bundle()
  plain = start(script, { EMULATOR_CONTROL_TOKEN: controlToken })
  scripted = start(script, {
    EMULATOR_CONFIG: JSON.stringify(
      {
        listShape: "live",
        seed: 7,
        faults: [{ route: "get", times: 1, fault: { type: "rateLimit", retryAfter: "3" } }]
      } satisfies Emulator.Options
    )
  })
  await Promise.all([plain.ready, scripted.ready])
}, 30_000)

afterAll(async () => {
  await Promise.all([plain?.dispose(), scripted?.dispose()])
})

afterEach((context) => {
  if (context.task.result?.state === "fail") console.error(runtimeOutput.join(""))
})

describe("the Worker in workerd (Miniflare)", () => {
  it("serves the documented list shape without configuration", async () => {
    const res = await plain.dispatchFetch(origin + list, { headers })
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({
      sessions: ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
    })
  })

  it("serves the example session with a request id", async () => {
    const res = await plain.dispatchFetch(origin + get, { headers })
    expect(res.status).toBe(200)
    expect(res.headers.get("x-request-id")).toMatch(/^req_/)
    expect(await json(res)).toEqual(example)
  })

  it("serves the errors (401 {detail}, 404 agent_not_found)", async () => {
    const noKey = await plain.dispatchFetch(origin + list)
    expect([noKey.status, await json(noKey)]).toEqual([401, { detail: "Missing API key" }])
    const missing = await plain.dispatchFetch(origin + getPath("agt_nobody", "ase_x"), { headers })
    expect([missing.status, (await json(missing)).error.code]).toEqual([404, "agent_not_found"])
  })

  it("reads listShape and faults from the EMULATOR_CONFIG binding", async () => {
    const listed = await scripted.dispatchFetch(origin + list, { headers })
    expect((await json(listed) as Array<Json>)[0]).toMatchObject({ session_id: "ase_customer_support_001" })
    const limited = await scripted.dispatchFetch(origin + get, { headers })
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"])
    expect((await json(limited)).error.code).toBe("rate_limit_exceeded")
    const served = await scripted.dispatchFetch(origin + get, { headers })
    expect(served.status).toBe(200)
    await served.arrayBuffer()
  })

  it("takes faults and reports its request log through the control API, given the token", async () => {
    const injected = await plain.dispatchFetch(`${origin}/__emulator/faults`, {
      method: "POST",
      headers: control,
      body: JSON.stringify({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })
    })
    expect(injected.status).toBe(204)
    const failed = await plain.dispatchFetch(origin + list, { headers })
    expect(failed.status).toBe(503)
    await failed.arrayBuffer()
    const logged = await plain.dispatchFetch(`${origin}/__emulator/requests`, { headers: control })
    const log = await logged.json() as Array<Emulator.LoggedRequest>
    expect(log.at(-1)).toMatchObject({
      route: "list",
      status: 503,
      fault: "serverError",
      keyFingerprint: Emulator.fingerprint(Emulator.keys.full)
    })
    expect(JSON.stringify(log)).not.toContain(Emulator.keys.full)
    const reset = await plain.dispatchFetch(`${origin}/__emulator/reset`, { method: "POST", headers: control })
    expect(reset.status).toBe(204)
    const bad = await plain.dispatchFetch(`${origin}/__emulator/faults`, {
      method: "POST",
      headers: control,
      body: JSON.stringify({ fault: { type: "status", status: 42 } })
    })
    expect(bad.status).toBe(400)
    await bad.arrayBuffer()
  })

  it("answers a control request without the right token as an unknown route (404), and applies nothing", async () => {
    for (const headers of [{}, { "x-emulator-token": "worker-control-tokem" }]) {
      const refused = await plain.dispatchFetch(`${origin}/__emulator/faults`, {
        method: "POST",
        headers,
        body: JSON.stringify({ route: "list", fault: { type: "serverError" } })
      })
      expect([refused.status, await json(refused)]).toEqual([404, { detail: "Not Found" }])
    }
    const served = await plain.dispatchFetch(origin + list, { headers })
    expect(served.status).toBe(200)
    await served.arrayBuffer()
  })

  it("has the control API off without EMULATOR_CONTROL_TOKEN or a control option: 404 like any unknown route", async () => {
    const log = await scripted.dispatchFetch(`${origin}/__emulator/requests`, { headers: control })
    expect([log.status, await json(log)]).toEqual([404, { detail: "Not Found" }])
    const reset = await scripted.dispatchFetch(`${origin}/__emulator/reset`, { method: "POST" })
    expect(reset.status).toBe(404)
    await reset.arrayBuffer()
  })

  it("reset: the client gets no well-formed answer (workerd cannot drop a connection; the body is cut)", async () => {
    const injected = await plain.dispatchFetch(`${origin}/__emulator/faults`, {
      method: "POST",
      headers: control,
      body: JSON.stringify({ times: 1, fault: { type: "reset" } })
    })
    expect(injected.status).toBe(204)
    const res = await plain.dispatchFetch(origin + list, { headers })
    const body = await res.text().catch(() => "<read failed>")
    expect(() => JSON.parse(body)).toThrow(SyntaxError)
  })
})
