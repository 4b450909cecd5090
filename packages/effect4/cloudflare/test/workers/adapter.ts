/**
 * The Worker the adapter's tests run in workerd. Routes:
 * - `GET /list/:agentId`, `GET /get/:agentId/:sessionId`: the SDK behind `CloudflareLyzr.handler`,
 *   errors left to its default mapping.
 * - `GET /probe/list/:agentId`, `GET /probe/get/:agentId/:sessionId`: the same calls with the typed
 *   result or error described as JSON, and whether the key shows in the error's String, JSON or
 *   `Cause.pretty`.
 * - `GET /background/:agentId`: answers 202 at once and lists the agent's sessions via `waitUntil`.
 * - `GET /explicit/list/:agentId`: `CloudflareLyzr.layer(options)` instead of `layerEnv`.
 * - `GET /capped/list/:agentId`: `layerEnv(env, overrides)` with a 64 KiB body cap and no retries.
 */
import { AgentSessions, type AgentSessionsError, RetryPolicy } from "@lyzr-effect/effect4-core"
import { Cause, Duration, Effect, Result } from "effect"
import { CloudflareLyzr } from "../../src/index.ts"

interface Env extends CloudflareLyzr.LyzrEnv {
  readonly LYZR_API_KEY: string
}

const call = (
  segments: ReadonlyArray<string>
): Effect.Effect<unknown, AgentSessionsError, AgentSessions> =>
  Effect.flatMap(AgentSessions, (sessions): Effect.Effect<unknown, AgentSessionsError> => {
    const [route, agentId = "", sessionId = ""] = segments
    return route === "list"
      ? sessions.list(agentId)
      : Effect.map(sessions.get(agentId, sessionId), (session) => ({ id: session.id, agent_id: session.agent_id }))
  })

const describe = (error: unknown, key: string) => {
  const e = error as { _tag: string; status?: number; code?: string; message: string; retryAfter?: Duration.Duration }
  const texts = [String(error), JSON.stringify(error), Cause.pretty(Cause.fail(error))]
  return {
    _tag: e._tag,
    status: e.status,
    code: e.code,
    message: e.message,
    retryAfterMs: e.retryAfter === undefined ? undefined : Duration.toMillis(e.retryAfter),
    keyLeaked: key.length > 0 && texts.some((text) => text.includes(key))
  }
}

const route = (request: Request, env: Env) =>
  Effect.gen(function*() {
    const segments = new URL(request.url).pathname.split("/").filter((s) => s.length > 0).map(decodeURIComponent)
    const [first, ...rest] = segments
    switch (first) {
      case "list":
      case "get":
        return Response.json({ value: yield* call(segments) })
      case "probe": {
        const started = Date.now()
        const result = yield* Effect.result(call(rest))
        const elapsedMs = Date.now() - started
        return Response.json(
          Result.isSuccess(result)
            ? { ok: true, value: result.success, elapsedMs }
            : { ok: false, error: describe(result.failure, env.LYZR_API_KEY ?? ""), elapsedMs }
        )
      }
      case "background":
        yield* CloudflareLyzr.waitUntil(call(["list", rest[0] ?? ""]))
        return new Response(null, { status: 202 })
      case "explicit":
        return Response.json({
          value: yield* call(rest).pipe(
            Effect.provide(CloudflareLyzr.layer({
              apiKey: env.LYZR_API_KEY,
              baseUrl: env.LYZR_BASE_URL,
              retryPolicy: RetryPolicy.none
            }))
          )
        })
      case "capped":
        return Response.json({
          value: yield* call(rest).pipe(
            Effect.provide(CloudflareLyzr.layerEnv(env, { maxResponseBytes: 64 * 1024, retryPolicy: RetryPolicy.none }))
          )
        })
      default:
        return new Response("not found", { status: 404 })
    }
  })

export default {
  fetch: CloudflareLyzr.handler(route)
}
