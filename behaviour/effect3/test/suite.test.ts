/**
 * The suite itself: it covers the contract (every error tag, both calls, both modes where it can), each
 * scenario says one thing, and `verify` does fail on what it must catch.
 */
import { assert, describe, it } from "@effect/vitest"
import { errorTags, inProcessOrigin, inProcessOther, key, scenarios, verify } from "@lyzr-effect/behaviour"
import type { Observed, Scenario } from "@lyzr-effect/behaviour"
import { Effect } from "effect"
import { runInProcess } from "./runner.ts"

describe("the behaviour suite", () => {
  it("has more than 60 scenarios, each named once", () => {
    assert.isAbove(scenarios.length, 60)
    assert.strictEqual(new Set(scenarios.map((s) => s.name)).size, scenarios.length)
  })

  it("expects exactly one outcome of each scenario: a value, an error or a refusal", () => {
    for (const { expect, name } of scenarios) {
      const outcomes = [expect.value, expect.error, expect.refused].filter((o) => o !== undefined)
      assert.strictEqual(outcomes.length, 1, name)
    }
  })

  it("reaches every error tag, and both calls", () => {
    const tags = new Set(scenarios.flatMap((s) => (s.expect.error === undefined ? [] : [s.expect.error._tag])))
    assert.deepStrictEqual([...tags].sort(), [...errorTags].sort())
    assert.isTrue(scenarios.some((s) => "list" in s.call) && scenarios.some((s) => "get" in s.call))
  })

  it("gives a reason for every mode it skips, and runs most scenarios over sockets", () => {
    for (const { modes, name } of scenarios) {
      for (const skip of [modes?.inProcess?.skip, modes?.socket?.skip, modes?.socketTiming?.skip]) {
        if (skip !== undefined) assert.isAbove(skip.trim().length, 10, name)
      }
    }
    assert.isAbove(scenarios.filter((s) => s.modes?.socket === undefined).length, scenarios.length * 0.9)
  })

  const scenario = scenarios.find((s) => s.name.startsWith("a redirect to another origin is not followed"))!
  const context = { key, base: inProcessOrigin(scenario), other: inProcessOther, now: 0 }
  const mutations: ReadonlyArray<[string, (observed: Observed) => Observed]> = [
    ["another tag", (o) => ({ ...o, outcome: { _tag: "error", error: { _tag: "ServerError", message: "HTTP 302" } } })],
    ["a value", (o) => ({ ...o, outcome: { _tag: "value", value: ["decoy"] } })],
    ["the key in a log line", (o) => ({ ...o, texts: [...o.texts, `debug ${key}`] })],
    ["the key percent-encoded in the error", (o) => ({ ...o, texts: [...o.texts, encodeURIComponent(key)] })],
    [
      "a request to the other origin",
      (o) => ({ ...o, requests: [...o.requests, { ...o.requests[0]!, origin: "other" }] })
    ],
    ["a request without the key", (o) => ({ ...o, requests: o.requests.map((r) => ({ ...r, headers: {} })) })],
    ["a second span", (o) => ({ ...o, spans: [...o.spans, { name: "GET", attributes: {} }] })]
  ]
  for (const [what, mutate] of mutations) {
    it.effect(`verify catches ${what}`, () =>
      Effect.gen(function*() {
        const observed = yield* runInProcess(scenario as Scenario)
        assert.deepStrictEqual(verify(scenario, observed, "in-process", context), [])
        assert.isNotEmpty(verify(scenario, mutate(observed), "in-process", context))
      }))
  }
})
