/**
 * The fault soak's calls under the real Deno runtime, through DenoLyzr (Deno's fetch). Spawned by
 * test/soak.runtimes.test.ts against the emulator it serves on loopback; prints each call's outcome
 * as JSON for the verdict there.
 *
 * deno run --no-prompt --no-check --allow-net=127.0.0.1 test-deno/soak.ts <baseUrl> <apiKey> <calls> <concurrency>
 */
import { AgentSessions, type AgentSessionsError, RetryPolicy } from "@lyzr-effect/core"
import { DenoLyzr } from "@lyzr-effect/deno"
import { Cause, Chunk, Effect, Exit, Option } from "effect"
import { numberAttempts } from "../test/support/attempts.ts"
import { errorLeaks } from "../test/support/echo.ts"

const [baseUrl = "", apiKey = "", callsArg = "200", concurrencyArg = "64"] = Deno.args
const calls = Number(callsArg)
const counts = new Map<string, number>()
const pathOf = (i: number) =>
  i % 2 === 0 ? `/v1/agent/agt_soak_${i}/sessions` : `/v2/agents/agt_soak_${i}/sessions/ase_soak_${i}`

const layer = DenoLyzr.layer({
  apiKey,
  baseUrl,
  retryPolicy: RetryPolicy.make({ maxRetries: 2, initialDelay: "10 millis", maxDelay: "80 millis" }),
  timeout: "5 seconds",
  transformClient: numberAttempts(counts)
})

const call = (i: number) =>
  Effect.flatMap(AgentSessions, (sessions): Effect.Effect<unknown, AgentSessionsError> =>
    i % 2 === 0
      ? sessions.list(`agt_soak_${i}`)
      : Effect.map(
        sessions.get(`agt_soak_${i}`, `ase_soak_${i}`),
        (s) => ({ id: s.id, agent_id: s.agent_id, enabled: s.enabled })
      )).pipe(
      Effect.exit,
      Effect.map((exit) => {
        const attempts = counts.get(pathOf(i)) ?? 0
        if (Exit.isSuccess(exit)) return { ok: true, value: exit.value, attempts }
        const failure = Cause.failureOption(exit.cause)
        if (Option.isNone(failure) || Chunk.isNonEmpty(Cause.defects(exit.cause)) || Cause.isInterrupted(exit.cause)) {
          return { defect: Cause.pretty(exit.cause), attempts }
        }
        const keyLeaked = errorLeaks(apiKey, failure.value, [Cause.pretty(exit.cause)])
        return { ok: false, tag: failure.value._tag, keyLeaked, attempts }
      })
    )

let unhandled = 0
globalThis.addEventListener("unhandledrejection", (event) => {
  unhandled++
  event.preventDefault()
})

const started = performance.now()
const outcomes = await Effect.runPromise(
  Effect.forEach(Array.from({ length: calls }, (_, i) => i), call, { concurrency: Number(concurrencyArg) }).pipe(
    Effect.provide(layer)
  )
)
const elapsedMs = Math.round(performance.now() - started)
// Let late rejections (if any) surface before reporting.
await new Promise((resolve) => setTimeout(resolve, 100))
console.log(
  JSON.stringify({ runtime: `deno ${Deno.version.deno}`, elapsedMs, unhandledRejections: unhandled, outcomes })
)
