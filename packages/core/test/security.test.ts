import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigError, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import { AgentSessions } from "../src/index.ts"
import type { AgentSessionsOptions } from "../src/index.ts"
import { failureOf, fakeServer, json, run, start, testKey, text } from "./support.ts"

type Service = AgentSessions["Type"]
const list = (s: Service) => s.list("agent-1")
const ok = () => json(200, { sessions: ["s1"] })
const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } })

/** Builds the layer with `options` and gives the ConfigError it fails with, if any. */
const buildError = (options: AgentSessionsOptions) =>
  Effect.gen(function*() {
    const server = fakeServer(ok)
    const exit = yield* Layer.build(AgentSessions.layer(options).pipe(Layer.provide(server.layer))).pipe(
      Effect.scoped,
      Effect.exit
    )
    return { exit, sent: server.sent }
  })

const assertConfigError = (exit: Exit.Exit<unknown, ConfigError.ConfigError>) => {
  const error = failureOf(exit)
  assert.isTrue(ConfigError.isConfigError(error))
  return error
}

describe("the API key on the wire", () => {
  it.effect("is sent only in the x-api-key header, never in the URL or another header", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(ok, list)
      const request = sent[0]!
      assert.strictEqual(request.headers.get("x-api-key"), testKey)
      assert.notInclude(request.url.href, testKey)
      for (const [name, value] of request.headers) {
        if (name !== "x-api-key") assert.notInclude(value, testKey, `header ${name}`)
      }
    }))

  it.effect("accepts the key as a Redacted", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(ok, list, { apiKey: Redacted.make(testKey) })
      assert.strictEqual(sent[0]!.headers.get("x-api-key"), testKey)
    }))
})

describe("redirects", () => {
  it.effect("asks fetch-based clients not to follow redirects themselves (redirect: \"manual\")", () =>
    Effect.gen(function*() {
      const { sent } = yield* run(ok, list)
      assert.strictEqual(sent[0]!.redirect, "manual")
    }))

  it.effect("follows a same-origin redirect (a trailing slash) with the key", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(
        (request) => request.url.endsWith("/") ? ok() : redirect(`${request.url}/`, 307),
        list
      )
      assert.deepStrictEqual(exit, Exit.succeed(["s1"]))
      assert.deepStrictEqual(sent.map((r) => r.url.pathname), [
        "/v1/agent/agent-1/sessions",
        "/v1/agent/agent-1/sessions/"
      ])
      assert.strictEqual(sent[1]!.headers.get("x-api-key"), testKey)
    }))

  for (const status of [301, 302, 303, 307, 308]) {
    it.effect(`follows a same-origin ${status}`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run((_, n) => (n === 1 ? redirect("/moved", status) : ok()), list)
        assert.deepStrictEqual(exit, Exit.succeed(["s1"]))
      }))
  }

  it.effect("resolves a relative Location against the request URL", () =>
    Effect.gen(function*() {
      const { sent } = yield* run((_, n) => (n === 1 ? redirect("../other/sessions?page=1") : ok()), list)
      assert.strictEqual(sent[1]!.url.href, "https://agent-prod.studio.lyzr.ai/v1/agent/other/sessions?page=1")
    }))

  it.effect("follows at most 5 redirects by default, then fails with UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run((_, n) => redirect(`/loop/${n}`), list)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(sent.length, 6)
    }))

  it.effect("maxRedirects sets how many redirects are followed", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run((_, n) => redirect(`/loop/${n}`), list, { maxRedirects: 2 })
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("maxRedirects 0 follows none", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(() => redirect("/moved"), list, { maxRedirects: 0 })
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
      assert.strictEqual(sent.length, 1)
    }))

  const crossOrigin: ReadonlyArray<[string, string, string]> = [
    ["another host", "https://agent-dev.test.studio.lyzr.ai", "https://collector.example.net/steal"],
    ["a protocol-relative Location", "https://agent-dev.test.studio.lyzr.ai", "//collector.example.net/steal"],
    ["a subdomain", "https://agent-dev.test.studio.lyzr.ai", "https://evil.agent-dev.test.studio.lyzr.ai/x"],
    [
      "https to http on the same host",
      "https://agent-dev.test.studio.lyzr.ai",
      "http://agent-dev.test.studio.lyzr.ai/v1/agent/agent-1/sessions"
    ],
    ["http to https on the same host", "http://127.0.0.1:8080", "https://127.0.0.1:8080/v1/agent/agent-1/sessions"],
    [
      "another port",
      "https://agent-dev.test.studio.lyzr.ai",
      "https://agent-dev.test.studio.lyzr.ai:8443/v1/agent/agent-1/sessions"
    ],
    ["another loopback name", "http://127.0.0.1:8080", "http://localhost:8080/v1/agent/agent-1/sessions"]
  ]
  for (const [what, baseUrl, location] of crossOrigin) {
    it.effect(`does not follow a redirect to ${what}, failing with UnexpectedResponse`, () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* run(() => redirect(location), list, { baseUrl })
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "UnexpectedResponse")
        assert.strictEqual(error.status, 302)
        if (error._tag === "UnexpectedResponse") assert.strictEqual(error.location, new URL(location, baseUrl).href)
        assert.strictEqual(sent.length, 1)
        assert.strictEqual(sent[0]!.url.origin, new URL(baseUrl).origin)
      }))
  }

  it.effect("a cross-origin redirect is not retried", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* start(() => redirect("https://collector.example.net/"), list)
      assert.strictEqual(failureOf(yield* Fiber.join(fiber))._tag, "UnexpectedResponse")
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("a redirect after a same-origin hop to another origin is not followed", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(
        (_, n) => (n === 1 ? redirect("/hop") : redirect("https://collector.example.net/")),
        list
      )
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
      assert.isTrue(sent.every((r) => r.url.origin === "https://agent-prod.studio.lyzr.ai"))
    }))

  for (
    const [what, location] of [
      ["as it is", `/moved/${testKey}`],
      ["percent-encoded", `/moved/${encodeURIComponent(`${testKey}/`)}`]
    ] as const
  ) {
    it.effect(`does not follow a same-origin redirect whose Location holds the key ${what}, nor print it`, () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* run(() => redirect(location, 307), list)
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "UnexpectedResponse")
        assert.strictEqual(sent.length, 1)
        const printed = [String(error), JSON.stringify(error), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""]
        for (const text of printed) {
          assert.notInclude(text, testKey)
          assert.notInclude(text, encodeURIComponent(testKey))
        }
      }))
  }

  it.effect("a 3xx without Location fails with UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => new Response(null, { status: 302 }), list)
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
    }))
})

describe("base URL and key checks at layer build", () => {
  it.effect("refuses a plain-http base URL on a non-loopback host with a ConfigError", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* buildError({ apiKey: testKey, baseUrl: "http://agent-dev.test.studio.lyzr.ai" })
      assertConfigError(exit)
      assert.strictEqual(sent.length, 0)
    }))

  for (
    const baseUrl of ["http://127.0.0.1:8080", "http://localhost:3000", "http://[::1]:3000", "http://api.localhost"]
  ) {
    it.effect(`allows plain http to the loopback host ${baseUrl}`, () =>
      Effect.gen(function*() {
        const { exit } = yield* buildError({ apiKey: testKey, baseUrl })
        assert.isTrue(Exit.isSuccess(exit))
      }))
  }

  it.effect("allows plain http to any host with allowInsecureHttp", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(ok, list, { baseUrl: "http://lyzr.internal:8080", allowInsecureHttp: true })
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(sent[0]!.url.href, "http://lyzr.internal:8080/v1/agent/agent-1/sessions")
    }))

  for (
    const baseUrl of [
      "ftp://agent-dev.test.studio.lyzr.ai",
      "not a url",
      "https://user:pw@agent-dev.test.studio.lyzr.ai"
    ]
  ) {
    it.effect(`refuses the base URL ${JSON.stringify(baseUrl)} with a ConfigError`, () =>
      Effect.gen(function*() {
        assertConfigError((yield* buildError({ apiKey: testKey, baseUrl })).exit)
      }))
  }

  for (
    const [what, apiKey] of [["CR/LF", `${testKey}\r\nx-injected: 1`], ["LF", `${testKey}\n`], ["an empty", ""], [
      "a NUL",
      `${testKey}\u0000`
    ]] as const
  ) {
    it.effect(`refuses ${what} key with a ConfigError that does not show the key`, () =>
      Effect.gen(function*() {
        const { exit, sent } = yield* buildError({ apiKey })
        const error = assertConfigError(exit)
        assert.strictEqual(sent.length, 0)
        for (const rendering of [String(error), JSON.stringify(error), Cause.pretty(Cause.fail(error))]) {
          assert.notInclude(rendering, testKey)
        }
      }))
  }
})

describe("response size cap", () => {
  it.effect("a body declared (content-length) over maxResponseBytes fails with UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => new Response("x".repeat(2000), { headers: { "content-length": "2000" } }),
        list,
        { maxResponseBytes: 1000 }
      )
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 200)
    }))

  it.effect("a streamed body with no content-length fails with UnexpectedResponse once it passes maxResponseBytes", () =>
    Effect.gen(function*() {
      let pulled = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++
          controller.enqueue(new Uint8Array(256).fill(32))
        }
      })
      const { exit } = yield* run(() => new Response(body, { headers: { "content-type": "application/json" } }), list, {
        maxResponseBytes: 4096
      })
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
      assert.isBelow(pulled, 100) // an endless body: reading stopped near the cap
    }))

  it.effect("an error body over the cap fails with UnexpectedResponse", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => text(500, "e".repeat(5000)), list, { maxResponseBytes: 1000 })
      assert.strictEqual(failureOf(exit)._tag, "UnexpectedResponse")
    }))

  it.effect("a body at the cap is read", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ sessions: ["s1"] })
      const { exit } = yield* run(() => new Response(body), list, { maxResponseBytes: body.length })
      assert.deepStrictEqual(exit, Exit.succeed(["s1"]))
    }))
})

describe("path parameters never change the route", () => {
  const cases: ReadonlyArray<[string, string]> = [
    ["../admin", "/v1/agent/..%2Fadmin/sessions"],
    ["../../v2/agents", "/v1/agent/..%2F..%2Fv2%2Fagents/sessions"],
    ["a/b", "/v1/agent/a%2Fb/sessions"],
    ["a%2Fb", "/v1/agent/a%252Fb/sessions"],
    ["%2e%2e", "/v1/agent/%252e%252e/sessions"],
    ["x?admin=1", "/v1/agent/x%3Fadmin%3D1/sessions"],
    ["x#frag", "/v1/agent/x%23frag/sessions"],
    ["agent é 日本", "/v1/agent/agent%20%C3%A9%20%E6%97%A5%E6%9C%AC/sessions"],
    ["a\r\nx-evil: 1", "/v1/agent/a%0D%0Ax-evil%3A%201/sessions"],
    ["a\u0000b\t", "/v1/agent/a%00b%09/sessions"],
    ["...", "/v1/agent/.../sessions"],
    ["\\..\\x", "/v1/agent/%5C..%5Cx/sessions"]
  ]
  for (const [agentId, pathname] of cases) {
    it.effect(`list(${JSON.stringify(agentId)}) requests exactly ${pathname}`, () =>
      Effect.gen(function*() {
        const { sent } = yield* run(ok, (s) => s.list(agentId))
        assert.strictEqual(sent.length, 1)
        assert.strictEqual(sent[0]!.url.pathname, pathname)
        assert.strictEqual(sent[0]!.url.search, "")
        assert.strictEqual(sent[0]!.url.hash, "")
      }))
  }

  it.effect("a lone surrogate in the agent ID fails with InvalidRequest, not a thrown exception", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(ok, (s) => Effect.suspend(() => s.list("agent\uD800")))
      assert.strictEqual(failureOf(exit)._tag, "InvalidRequest")
      assert.strictEqual(sent.length, 0)
    }))
})
