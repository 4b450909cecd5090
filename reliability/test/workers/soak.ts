/**
 * The Worker of the workerd soak: `GET /call/<i>` makes soak call i (even: list, odd: get) through
 * CloudflareLyzr.layerEnv, built per request from the `env` bindings, and answers its outcome as JSON
 * (value or error tag, whether the key shows in the error in any form or in part, the attempts the
 * client made).
 */
import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
import { AgentSessions, type AgentSessionsError, RetryPolicy } from "@lyzr-effect/core"
import { Cause, Chunk, Effect, Exit, Option } from "effect"
import { numberAttempts } from "../support/attempts.ts"
import { errorLeaks } from "../support/echo.ts"

interface Env extends CloudflareLyzr.LyzrEnv {
  readonly LYZR_API_KEY: string
}

const call = (i: number) =>
  Effect.flatMap(AgentSessions, (sessions): Effect.Effect<unknown, AgentSessionsError> =>
    i % 2 === 0
      ? sessions.list(`agt_soak_${i}`)
      : Effect.map(
        sessions.get(`agt_soak_${i}`, `ase_soak_${i}`),
        (s) => ({ id: s.id, agent_id: s.agent_id, enabled: s.enabled })
      ))

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const i = Number(new URL(request.url).pathname.split("/")[2])
    const counts = new Map<string, number>()
    const layer = CloudflareLyzr.layerEnv(env, {
      retryPolicy: RetryPolicy.make({ maxRetries: 2, initialDelay: "10 millis", maxDelay: "80 millis" }),
      transformClient: numberAttempts(counts)
    })
    const exit = await Effect.runPromiseExit(call(i).pipe(Effect.provide(layer)))
    const attempts = [...counts.values()].reduce((a, b) => a + b, 0)
    if (Exit.isSuccess(exit)) return Response.json({ ok: true, value: exit.value, attempts })
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure) || Chunk.isNonEmpty(Cause.defects(exit.cause)) || Cause.isInterrupted(exit.cause)) {
      return Response.json({ defect: Cause.pretty(exit.cause), attempts })
    }
    const error = failure.value
    return Response.json({
      ok: false,
      tag: error._tag,
      keyLeaked: errorLeaks(env.LYZR_API_KEY, error, [Cause.pretty(exit.cause)]),
      attempts
    })
  }
}
