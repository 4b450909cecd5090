/**
 * Every scenario of the behaviour suite on `@lyzr-effect/node`, over real loopback sockets: the script
 * served by node:http on 127.0.0.1, the call through NodeLyzr's undici pool, in real time.
 */
import { assert, describe, it } from "@effect/vitest"
import { scenarios, verify } from "@lyzr-effect/behaviour"
import { runOverSockets } from "./runner.ts"

describe("over sockets", () => {
  for (const scenario of scenarios) {
    const skip = scenario.modes?.socket?.skip
    if (skip !== undefined) {
      it.skip(`${scenario.name} (skipped: ${skip})`, () => {})
      continue
    }
    it(scenario.name, async () => {
      const { context, observed } = await runOverSockets(scenario)
      assert.deepStrictEqual(verify(scenario, observed, "socket", context), [], JSON.stringify(observed.outcome))
    }, 20_000)
  }
})
