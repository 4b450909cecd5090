/**
 * Spawned by test/deno.test.ts with too few permissions: lists sessions through `DenoLyzr.layerConfig`
 * (Effect 4) and prints the outcome as one JSON line (`_tag`, the cause's tag, text, elapsed ms), so the test
 * can assert that a missing --allow-env / --allow-net is a typed failure, not a crash.
 */
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { Cause, Effect, Exit, Option } from "effect"
import { DenoLyzr } from "../src/index.ts"

const started = performance.now()
const exit = await Effect.runPromiseExit(
  Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
    Effect.provide(DenoLyzr.layerConfig)
  )
)
const elapsedMs = Math.round(performance.now() - started)
if (Exit.isSuccess(exit)) {
  console.log(JSON.stringify({ outcome: "success", ids: exit.value, elapsedMs }))
} else {
  const failure = Cause.findErrorOption(exit.cause)
  console.log(JSON.stringify(
    Option.isSome(failure)
      ? {
        outcome: "failure",
        _tag: (failure.value as { _tag?: string })._tag,
        cause: (failure.value as { cause?: { _tag?: string } }).cause?._tag,
        text: String(failure.value),
        elapsedMs
      }
      : { outcome: "defect", text: Cause.pretty(exit.cause), elapsedMs }
  ))
}
