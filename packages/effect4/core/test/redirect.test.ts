/**
 * The redirect rule, checked by the service on each 3xx the client hands back (`redirect: "manual"`):
 * same origin followed up to `maxRedirects`; another origin, no `Location`, or a URL holding the key refused.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import type { AgentSessionsService, UnexpectedResponse } from "../src/index.ts"
import { agent, failureOf, json, run, testKey } from "./support.ts"

const list = (s: AgentSessionsService) => s.list(agent)
const redirect = (location: string, status = 302) => new Response(null, { status, headers: { location } })

describe("redirects", () => {
  it.effect("a same-origin redirect is followed, with the key", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(
        (_, n) => n === 1 ? redirect("/v1/agent/moved/sessions", 307) : json(200, { sessions: ["ase_1"] }),
        list
      )
      assert.deepStrictEqual(exit, Exit.succeed(["ase_1"]))
      assert.strictEqual(sent.length, 2)
      assert.strictEqual(sent[1]!.url.href, "https://agent-prod.studio.lyzr.ai/v1/agent/moved/sessions")
      assert.strictEqual(sent[1]!.headers.get("x-api-key"), testKey)
    }))

  it.effect("a redirect to another origin is refused: UnexpectedResponse with the status and location", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(() => redirect("https://collector.example.net/grab"), list)
      const error = failureOf(exit) as UnexpectedResponse
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 302)
      assert.strictEqual(error.location, "https://collector.example.net/grab")
      assert.include(error.message, "another origin (https://collector.example.net)")
      assert.strictEqual(sent.length, 1, "the key never went to the other origin")
    }))

  it.effect("a same-origin Location that holds the key is refused", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run(() => redirect(`/v1/agent/x/sessions?k=${encodeURIComponent(testKey)}`), list)
      const error = failureOf(exit)
      assert.include(error.message, "contains the API key")
      assert.strictEqual(sent.length, 1)
    }))

  it.effect("more than maxRedirects is refused", () =>
    Effect.gen(function*() {
      const { exit, sent } = yield* run((_, n) => redirect(`/v1/agent/hop${n}/sessions`), list, { maxRedirects: 2 })
      assert.include(failureOf(exit).message, "more than 2 redirects")
      assert.strictEqual(sent.length, 3)
    }))

  it.effect("a 3xx without Location is an UnexpectedResponse of its own", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => new Response(null, { status: 304 }), list)
      const error = failureOf(exit)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 304)
    }))
})
