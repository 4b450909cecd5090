/**
 * Attack cases over real loopback sockets, each through NodeLyzr (undici) and through the platform's
 * fetch client (`FetchHttpClient`, what the Deno and Workers adapters use; Node's fetch here). Core's
 * unit suite proves the logic in process; these prove it on the wire, where a client library could
 * follow a redirect, normalise a path or inflate a body behind the SDK's back.
 */
import { FetchHttpClient } from "@effect/platform"
import { AgentSessions, type AgentSessionsError, type AgentSessionsOptions } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Cause, ConfigError, Duration, Effect, Exit, Layer, Option } from "effect"
import { inspect } from "node:util"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RecordingServer, recordingServer, redirect, sendJson } from "./support/httpServer.ts"
import { captureLogs, capturePrintouts, recordingTracer } from "./support/observe.ts"
import { gc, rejectionWatch, shows } from "./support/process.ts"
import { report } from "./support/soak.ts"

const key = "sk-attack-LEAKCANARY-2f9e8d7c6b5a4031"
const agent = "agt_customer_support"
const session = "ase_customer_support_001"
const sessionBody = {
  id: session,
  agent_id: agent,
  description: "d",
  metadata: {},
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}

const clients: ReadonlyArray<
  readonly [string, (options: AgentSessionsOptions) => Layer.Layer<AgentSessions, ConfigError.ConfigError>]
> = [
  ["NodeLyzr", (options) => NodeLyzr.layer(options)],
  ["fetch", (options) => AgentSessions.layer(options).pipe(Layer.provide(FetchHttpClient.layer))]
]

const run = <A>(
  layer: Layer.Layer<AgentSessions, ConfigError.ConfigError>,
  f: (sessions: AgentSessions["Type"]) => Effect.Effect<A, AgentSessionsError>
) => Effect.runPromiseExit(Effect.flatMap(AgentSessions, f).pipe(Effect.provide(Layer.orDie(layer))))

const failure = <A>(exit: Exit.Exit<A, AgentSessionsError>): AgentSessionsError => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.failureOption(exit.cause), () => new Error(Cause.pretty(exit.cause)))
}

const rejections = rejectionWatch()
let api: RecordingServer
let other: RecordingServer

beforeAll(async () => {
  rejections.install()
  api = await recordingServer()
  other = await recordingServer((_req, res) => sendJson(res, 200, sessionBody))
})
afterAll(async () => {
  await api.close()
  await other.close()
  rejections.uninstall()
  expect(rejections.reasons).toEqual([])
})

const reset = () => {
  api.received.length = 0
  other.received.length = 0
}

for (const [client, layerOf] of clients) {
  const at = (options: Partial<AgentSessionsOptions> = {}) =>
    layerOf({ apiKey: key, baseUrl: api.url, maxRetries: 0, timeout: "5 seconds", ...options })

  describe(`${client}: the key never reaches another origin through a redirect`, () => {
    const otherOrigin = () => `http://127.0.0.1:${other.port}`
    const cases: ReadonlyArray<readonly [string, () => ReadonlyArray<readonly [number, string]>]> = [
      [
        "a 307 to an absolute URL on another port",
        () => [[307, `${otherOrigin()}/v2/agents/${agent}/sessions/${session}`]]
      ],
      ["a 308 to an absolute URL on another port", () => [[308, `${otherOrigin()}/steal`]]],
      ["a 301, 302 and 303 to another port", () => [[301, "/a"], [302, "/b"], [303, `${otherOrigin()}/steal`]]],
      ["a protocol-relative Location", () => [[307, `//127.0.0.1:${other.port}/steal`]]],
      ["another loopback name for the other server", () => [[307, `http://localhost:${other.port}/steal`]]],
      [
        "a scheme change to https on the same host and port",
        () => [[308, `https://127.0.0.1:${api.port}/v2/agents/${agent}/sessions/${session}`]]
      ],
      [
        "a chain of same-origin hops (relative and absolute) that ends on another origin",
        () => [[307, "hop-1"], [308, "../hop-2"], [307, `${api.url}/hop-3`], [308, `${otherOrigin()}/steal`]]
      ]
    ]
    for (const [what, chainOf] of cases) {
      it(`${what}: not followed off the origin, UnexpectedResponse, the other server sees nothing`, async () => {
        reset()
        const chain = chainOf()
        api.handler = (_req, res) => {
          const [status, location] = chain[Math.min(api.received.length, chain.length) - 1]!
          redirect(res, status, location)
        }
        const exit = await run(at(), (s) => s.get(agent, session))
        const error = failure(exit)
        expect(error._tag).toBe("UnexpectedResponse")
        expect(error.status).toBe(chain.at(-1)![0])
        expect(other.received).toEqual([])
        expect(api.received).toHaveLength(chain.length)
        for (const request of api.received) expect(request.headers["x-api-key"]).toBe(key)
        expect(shows(key, error, Exit.isFailure(exit) ? exit.cause : undefined)).toBe(false)
      })
    }
  })

  describe(`${client}: the key never shows in logs, spans, errors or printouts`, () => {
    /** Runs a failing call then a succeeding one with every observer on; gives what each saw. */
    const observe = async () => {
      const logs = captureLogs()
      const traces = recordingTracer()
      const { printed, result } = await capturePrintouts(async () => {
        const program = Effect.flatMap(
          AgentSessions,
          (s) => Effect.zip(Effect.exit(s.list(agent)), Effect.exit(s.list("ok")))
        ).pipe(
          Effect.tap(([first]) => Effect.logError("the call failed", first)),
          logs.withLogs,
          Effect.withTracer(traces.tracer),
          Effect.provide(Layer.orDie(at({ maxRetries: 3 })))
        )
        const [first, second] = await Effect.runPromise(program)
        const error = failure(first)
        console.log(error)
        console.log(String(error), JSON.stringify(error), inspect(error, { depth: 10 }))
        console.error(Cause.pretty(Exit.isFailure(first) ? first.cause : Cause.empty))
        return { first, second }
      })
      return { logs: logs.lines, traces, printed, ...result }
    }
    const withKey = (lines: ReadonlyArray<string>) => lines.filter((line) => line.includes(key))

    it("through retries (429, 503, a same-origin redirect, 500s) and a final failure: not in any log, span attribute, error or printout", async () => {
      reset()
      api.handler = (req, res) => {
        const n = api.received.length
        if (req.url?.includes("/ok/")) return sendJson(res, 200, { sessions: ["ase_a"] })
        if (n === 1) {
          return sendJson(res, 429, { detail: "slow down" }, { "retry-after-ms": "5", "x-request-id": "req_1" })
        }
        if (n === 2) return sendJson(res, 503, { detail: "busy" }, { "retry-after-ms": "5" })
        if (n === 3) return redirect(res, 307, "/moved")
        return sendJson(res, 500, { error: { code: "internal", message: "boom" } }, { "retry-after-ms": "5" })
      }
      const seen = await observe()
      expect(api.received.length).toBe(6) // 4 attempts (one with a redirect hop), then the second call
      expect(failure(seen.first)._tag).toBe("ServerError")
      expect(Exit.isSuccess(seen.second)).toBe(true)
      expect(seen.logs.length).toBeGreaterThan(3)
      expect(withKey(seen.logs)).toEqual([])
      // Every span is checked: one per call, the SDK's own (core turns the platform's client span off).
      expect(seen.traces.spans.filter((span) => span.name.startsWith("AgentSessions.")).length).toBe(2)
      expect(withKey(seen.traces.text().split("\n"))).toEqual([])
      expect(seen.printed.length).toBeGreaterThan(0)
      expect(seen.printed).not.toContain(key)
      expect(shows(key, failure(seen.first), Exit.isFailure(seen.first) ? seen.first.cause : undefined)).toBe(false)
    })

    it("from a server that echoes the key in bodies, codes and x-request-id: not in logs, errors, printouts or the SDK's spans", async () => {
      reset()
      api.handler = (req, res) => {
        const n = api.received.length
        if (req.url?.includes("/ok/")) return sendJson(res, 200, { sessions: ["ase_a"] })
        if (n === 1) {
          return sendJson(res, 429, { detail: `key ${key} is over its limit` }, {
            "retry-after-ms": "5",
            "x-request-id": key
          })
        }
        if (n === 2) {
          res.writeHead(503, { "content-type": "text/html", "x-request-id": `req-${key}`, "retry-after-ms": "5" })
          return res.end(`<html>${key}</html>`)
        }
        return sendJson(res, 500, { error: { code: key, message: `echo ${key}` } }, {
          "x-request-id": key,
          "retry-after-ms": "5"
        })
      }
      const seen = await observe()
      expect(failure(seen.first)._tag).toBe("ServerError")
      expect(withKey(seen.logs)).toEqual([])
      expect(seen.printed).not.toContain(key)
      expect(shows(key, failure(seen.first), Exit.isFailure(seen.first) ? seen.first.cause : undefined)).toBe(false)
      // No span records response headers (the platform's client span, which would, is off), so an echo
      // reaches no trace.
      const lines = seen.traces.text().split("\n")
      expect(withKey(lines)).toEqual([])
    })

    // Core refuses to request any URL holding the key (it would reach the HTTP client's span), and
    // scrubs every URL it puts in an error.
    it("a same-origin redirect whose Location echoes the key is not followed, and the key is in no error", async () => {
      reset()
      api.handler = (req, res) =>
        req.url?.startsWith("/moved/") ? sendJson(res, 500, { detail: "boom" }) : redirect(res, 307, `/moved/${key}`)
      const exit = await run(at(), (s) => s.list(agent))
      expect(shows(key, failure(exit), Exit.isFailure(exit) ? exit.cause : undefined)).toBe(false)
    })
  })

  describe(`${client}: path parameters never change the route`, () => {
    const ids = [
      "../admin",
      "../../v2/agents/agt_x/sessions/ase_y",
      "a/b",
      "a%2Fb",
      "%2e%2e",
      "%2F..%2F",
      "x?admin=1",
      "x#frag",
      "x?a=1#b/../c",
      "agent é 日本 🚀",
      "a\r\nx-evil: 1",
      "a\u0000b\u0007\u001f\u007f",
      "\\..\\x",
      "...",
      ";jsessionid=1",
      " lead and trail "
    ]
    for (const id of ids) {
      it(`list(${JSON.stringify(id)}) reaches exactly /v1/agent/{encoded}/sessions, and the id decodes back`, async () => {
        reset()
        api.handler = (_req, res) => sendJson(res, 200, { sessions: [] })
        const exit = await run(at(), (s) => s.list(id))
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(api.received).toHaveLength(1)
        const target = api.received[0]!.target
        expect(target).toBe(`/v1/agent/${encodeURIComponent(id)}/sessions`)
        const segments = target.split("/")
        expect(segments).toHaveLength(5)
        expect(decodeURIComponent(segments[3]!)).toBe(id)
      })
    }

    it("get with any of them fails with InvalidRequest before a request is sent", async () => {
      reset()
      for (const id of ids) {
        expect(failure(await run(at(), (s) => s.get(id, session)))._tag).toBe("InvalidRequest")
        expect(failure(await run(at(), (s) => s.get(agent, id)))._tag).toBe("InvalidRequest")
      }
      expect(api.received).toEqual([])
    })

    it("\".\" and \"..\" fail with InvalidRequest before a request is sent", async () => {
      reset()
      for (const id of [".", ".."]) expect(failure(await run(at(), (s) => s.list(id)))._tag).toBe("InvalidRequest")
      expect(api.received).toEqual([])
    })
  })

  describe(`${client}: bodies stop at the cap, with memory bounded`, () => {
    const cap = 1024 * 1024
    // 256 gzip members of 1 MiB of zeros each: ~260 KB on the wire, 256 MiB inflated.
    const member = gzipSync(Buffer.alloc(1024 * 1024))
    const bomb = Buffer.concat(Array.from({ length: 256 }, () => member))

    it("a gzip bomb (256 MiB inflated from ~260 KB) ends in a typed error without inflating it", async () => {
      reset()
      api.handler = (_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": bomb.length
        })
        res.end(bomb)
      }
      gc()
      const heapBefore = process.memoryUsage().heapUsed
      let peak = heapBefore
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }, 5)
      const started = performance.now()
      const exit = await run(at({ maxResponseBytes: cap }), (s) => s.get(agent, session))
      clearInterval(sampler)
      const error = failure(exit)
      // fetch inflates (and stops at the cap); undici's request() hands over the compressed bytes,
      // which are no JSON: either way a typed error, and never 256 MiB in memory.
      expect(error._tag).toBe(client === "fetch" ? "UnexpectedResponse" : "ResponseDecodeError")
      const peakGrowthMiB = (peak - heapBefore) / 2 ** 20
      expect(peakGrowthMiB).toBeLessThan(64)
      report(
        `${client} gzip bomb: ${error._tag} in ${(performance.now() - started).toFixed(0)} ms, heap peak +${
          peakGrowthMiB.toFixed(1)
        } MiB`
      )
    })

    it("an endless chunked body stops at the cap with UnexpectedResponse and the server stops sending", async () => {
      reset()
      let sent = 0
      let stopped = false
      api.handler = (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        const pump = () => {
          for (let more = true; more && !res.destroyed;) {
            more = res.write(chunk)
            sent += chunk.length
          }
          if (res.destroyed) stopped = true
          else res.once("drain", pump)
        }
        res.on("close", () => {
          stopped = true
        })
        pump()
      }
      const exit = await run(at({ maxResponseBytes: cap }), (s) => s.list(agent))
      expect(failure(exit)._tag).toBe("UnexpectedResponse")
      const deadline = Date.now() + 2000
      while (!stopped && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
      expect(stopped).toBe(true)
      expect(sent).toBeLessThan(64 * cap) // socket buffers, not the stream
      report(
        `${client} endless body: stopped after the server wrote ${(sent / 2 ** 20).toFixed(1)} MiB (cap 1 MiB)`
      )
    })
  })

  describe(`${client}: a Retry-After of a year does not stall a fiber`, () => {
    const year = Duration.days(365)
    const cases: ReadonlyArray<readonly [string, number, Record<string, string>]> = [
      ["429 Retry-After: 31536000 (seconds)", 429, { "retry-after": "31536000" }],
      ["429 Retry-After as an HTTP date a year ahead", 429, {
        "retry-after": new Date(Date.now() + Duration.toMillis(year)).toUTCString()
      }],
      ["429 retry-after-ms of a year", 429, { "retry-after-ms": String(Duration.toMillis(year)) }],
      ["503 Retry-After: 31536000", 503, { "retry-after": "31536000" }]
    ]
    for (const [what, status, headers] of cases) {
      it(`${what}: fails at once with the wait in the error, one request, default policy`, async () => {
        reset()
        api.handler = (_req, res) => sendJson(res, status, { detail: "come back next year" }, headers)
        const started = performance.now()
        const exit = await run(at({ maxRetries: undefined }), (s) => s.list(agent))
        const elapsedMs = performance.now() - started
        const error = failure(exit)
        expect(error._tag).toBe(status === 429 ? "RateLimitExceeded" : "ServerError")
        const wait = "retryAfter" in error ? error.retryAfter : undefined
        expect(wait !== undefined && Duration.toMillis(wait) > Duration.toMillis(Duration.days(364))).toBe(true)
        expect(api.received).toHaveLength(1)
        expect(elapsedMs).toBeLessThan(1000)
      })
    }
  })

  describe(`${client}: configuration refuses what would expose the key`, () => {
    it("a plain-http base URL on a non-loopback host is refused with a ConfigError", async () => {
      const exit = await Effect.runPromiseExit(
        Layer.build(layerOf({ apiKey: key, baseUrl: "http://agent-prod.studio.lyzr.ai" })).pipe(Effect.scoped)
      )
      expect(Exit.isFailure(exit) && ConfigError.isConfigError(Option.getOrThrow(Cause.failureOption(exit.cause))))
        .toBe(true)
    })

    it("a key with CR/LF is refused with a ConfigError that does not show it, and nothing is sent", async () => {
      reset()
      const exit = await Effect.runPromiseExit(
        Layer.build(layerOf({ apiKey: `${key}\r\nx-injected: 1`, baseUrl: api.url })).pipe(Effect.scoped)
      )
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        expect(Cause.pretty(exit.cause)).not.toContain(key)
        expect(ConfigError.isConfigError(Option.getOrThrow(Cause.failureOption(exit.cause)))).toBe(true)
      }
      expect(api.received).toEqual([])
    })
  })
}
