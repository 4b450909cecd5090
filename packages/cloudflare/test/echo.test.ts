/**
 * A Worker whose upstream (the emulator, served on loopback) echoes the API key back in every form —
 * literal, JSON-escaped in full, in part or as `\/`, percent-encoded in full or in part, mixed — in error
 * bodies, in `x-request-id` and in `Location`, for every status that ends in an error. The Worker runs
 * in real workerd; its answer (the handler's `errorResponse`: body and headers) and everything it logs
 * (every level, the failure's cause included) must hold no piece of the key in any reading.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode, type Server } from "@lyzr-effect/emulator/node"
import type { Miniflare } from "miniflare"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { echoForms, leakIn } from "./support/echo.ts"
import { bundle, fetchWorker, start } from "./support/workerd.ts"

const key = "sk-live/LEAKCANARY+7f3a9c2e_51d0.4b86=~Zq"
const emulator = Emulator.make({ fixture: { agents: { agt_echo: { sessions: [] } }, keys: { [key]: "*" } } })
let server: Server
let mf: Miniflare
const workerdOutput: Array<string> = []

beforeAll(async () => {
  server = await serveNode(emulator)
  const script = await bundle(new URL("./workers/echo.ts", import.meta.url).pathname)
  mf = await start([{
    name: "echo",
    script,
    // One retry, so that retryable answers also go through the retry's debug log line.
    bindings: { LYZR_API_KEY: key, LYZR_BASE_URL: server.url, LYZR_MAX_RETRIES: "1", LYZR_TIMEOUT: "5000" }
  }], { output: (line) => workerdOutput.push(line) })
}, 60_000)

afterEach(() => {
  emulator.reset()
  workerdOutput.splice(0)
})

afterAll(async () => {
  await mf?.dispose()
  await server?.close()
})

interface EchoCase {
  readonly name: string
  readonly path: string
  /** The upstream's answer echoing the form `f` of the key. */
  readonly fault: (f: string) => Emulator.Fault
  readonly tag: string
  readonly httpStatus: number
}

const json = (status: number, body: string, headers: Record<string, string> = {}): Emulator.Fault => ({
  type: "status",
  status,
  body,
  headers: { "content-type": "application/json", ...headers }
})
const list = "/list/agt_echo"
const get = "/get/agt_echo/ase_echo"
// `{"detail":"` is 11 characters: a filler that puts the middle of a form at character 1,024 of the body.
const across = (f: string) => "x".repeat(1024 - 11 - Math.floor(f.length / 2))

const cases: ReadonlyArray<EchoCase> = [
  {
    name: "400 {error:{code,message}}",
    path: get,
    fault: (f) => json(400, `{"error":{"code":"invalid_request","message":"bad key ${f}"}}`, { "x-request-id": f }),
    tag: "InvalidRequest",
    httpStatus: 400
  },
  {
    name: "401 {detail}",
    path: list,
    fault: (f) => json(401, `{"detail":"invalid key ${f}"}`, { "x-request-id": `req-${f}` }),
    tag: "Unauthorized",
    httpStatus: 502
  },
  {
    name: "403 {code,message}",
    path: list,
    fault: (f) => json(403, `{"code":"forbidden","message":"${f} may not read agt_echo"}`, { "x-request-id": f }),
    tag: "Forbidden",
    httpStatus: 403
  },
  {
    name: "404 text/plain",
    path: get,
    fault: (f) => ({ type: "status", status: 404, body: `no session for ${f}`, headers: { "x-request-id": f } }),
    tag: "SessionNotFound",
    httpStatus: 404
  },
  {
    name: "422 FastAPI detail list",
    path: list,
    fault: (f) =>
      json(422, `{"detail":[{"loc":["header","${f}"],"msg":"invalid key ${f}","type":"value_error"}]}`, {
        "x-request-id": f
      }),
    tag: "ValidationError",
    httpStatus: 422
  },
  {
    name: "429 Retry-After 0, twice",
    path: list,
    fault: (f) => json(429, `{"detail":"credits exhausted for ${f}"}`, { "retry-after": "0", "x-request-id": f }),
    tag: "RateLimitExceeded",
    httpStatus: 429
  },
  {
    name: "500 {detail}",
    path: get,
    fault: (f) => json(500, `{"detail":"${f}"}`, { "x-request-id": f }),
    tag: "ServerError",
    httpStatus: 502
  },
  {
    name: "503 HTML, twice",
    path: list,
    fault: (f) => ({
      type: "status",
      status: 503,
      body: `<html>upstream refused ${f}</html>`,
      headers: { "content-type": "text/html", "x-request-id": f }
    }),
    tag: "ServerError",
    httpStatus: 502
  },
  {
    name: "200 that is not JSON, the key first",
    path: list,
    fault: (f) => json(200, `${f} is your key`, { "x-request-id": f }),
    tag: "ResponseDecodeError",
    httpStatus: 502
  },
  {
    name: "302 to another origin, the key in the path and the query",
    path: list,
    fault: (f) => ({ type: "redirect", status: 302, location: `https://collector.example.net/${f}?k=${f}` }),
    tag: "UnexpectedResponse",
    httpStatus: 502
  },
  {
    name: "307 to the same origin, the key in the path",
    path: get,
    fault: (f) => ({ type: "redirect", status: 307, location: `/moved/${f}/sessions` }),
    tag: "UnexpectedResponse",
    httpStatus: 502
  },
  {
    name: "401 with the key across the 1 KiB cut of the excerpt",
    path: list,
    fault: (f) => json(401, `{"detail":"${across(f)}${f}"}`),
    tag: "Unauthorized",
    httpStatus: 502
  }
]

describe("a Worker whose upstream echoes the key shows it in no answer and no log line", () => {
  it("the check finds each form, and a piece of 8 characters, in a text", () => {
    for (const [name, form] of echoForms(key)) expect(leakIn(key, `a ${form} b`), name).toBeDefined()
    expect(leakIn(key, key.slice(3, 11))).toBeDefined()
    expect(leakIn(key, `${key.slice(0, 7)} <redacted>`)).toBeUndefined()
  })

  for (const [formName, form] of echoForms(key)) {
    describe(`the key ${formName}`, () => {
      for (const c of cases) {
        it(`${c.name}: ${c.tag}, answered ${c.httpStatus}`, async () => {
          // Every attempt (the first and the one retry) gets the echoing answer.
          emulator.inject({ fault: c.fault(form) })
          const res = await fetchWorker(mf, "echo", c.path)
          expect(res.status).toBe(c.httpStatus)
          expect(res.body?.error?.type).toBe(c.tag)
          const answer = [JSON.stringify(res.body), ...[...res.headers].map(([name, value]) => `${name}: ${value}`)]
          for (const text of answer) expect(leakIn(key, text), `the answer shows the key: ${text}`).toBeUndefined()
          // The failure is logged (with its cause) by the Worker; wait for the line, then check every line.
          await vi.waitFor(() =>
            expect(workerdOutput.some((l) => l.includes("echo worker: the call failed"))).toBe(true)
          )
          for (const line of workerdOutput) {
            expect(leakIn(key, line), `a log line shows the key: ${line}`).toBeUndefined()
          }
          expect(emulator.requests.every((r) => r.keyFingerprint === Emulator.fingerprint(key))).toBe(true)
        })
      }
    })
  }
})
