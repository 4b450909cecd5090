/**
 * The Effect 4 SDK side of the bundle-size comparison: the JSON proxy of examples/cloudflare-worker
 * (list and get, errors through the handler's mapping) on `@lyzr-effect/effect4-cloudflare`.
 */
import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
import { AgentSession, AgentSessions } from "@lyzr-effect/effect4-core"
import { Effect, Schema } from "effect"

const encodeSession = Schema.encodeEffect(AgentSession)

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } })

const route = (request: Request) =>
  Effect.gen(function*() {
    const [, agents, agentId, sessionsPart, sessionId] = new URL(request.url).pathname.split("/")
    if (agents !== "agents" || agentId === undefined || sessionsPart !== "sessions") {
      return json(404, { error: { type: "NotFound", message: "try GET /agents/:agentId/sessions[/:sessionId]" } })
    }
    const sessions = yield* AgentSessions
    if (sessionId === undefined) return json(200, { agentId, sessions: yield* sessions.list(agentId) })
    return json(200, yield* Effect.orDie(encodeSession(yield* sessions.get(agentId, sessionId))))
  })

export default {
  fetch: CloudflareLyzr.handler(route)
}
