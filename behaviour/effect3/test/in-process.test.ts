/**
 * Every scenario of the behaviour suite on `@lyzr-effect/core`, in process: a scripted `HttpClient`
 * under the TestClock (waits are exact and take no real time).
 */
import { assert, describe, it } from "@effect/vitest"
import { inProcessOrigin, inProcessOther, key, scenarios, verify } from "@lyzr-effect/behaviour"
import { Effect } from "effect"
import { runInProcess } from "./runner.ts"

describe("in process", () => {
  for (const scenario of scenarios) {
    const skip = scenario.modes?.inProcess?.skip
    if (skip !== undefined) {
      it.skip(`${scenario.name} (skipped: ${skip})`, () => {})
      continue
    }
    it.effect(scenario.name, () =>
      Effect.gen(function*() {
        const observed = yield* runInProcess(scenario)
        const context = { key, base: inProcessOrigin(scenario), other: inProcessOther, now: 0 }
        const problems = verify(scenario, observed, "in-process", context)
        assert.deepStrictEqual(problems, [], JSON.stringify(observed.outcome))
      }))
  }
})
