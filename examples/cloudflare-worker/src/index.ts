/**
 * A JSON proxy over the Agent Sessions API, as a Cloudflare Worker:
 *
 * - `GET /agents/:agentId/sessions` → `{ "agentId", "sessions": ["ase_...", ...] }`
 * - `GET /agents/:agentId/sessions/:sessionId` → the session as the API sends it
 *
 * SDK errors become JSON error responses through `CloudflareLyzr.handler`'s mapping (404 for an unknown
 * agent or session, 429 with `Retry-After`, 502 when the service fails, 504 on timeout, ...).
 * Nothing happens at module scope: the service is built inside the first request from `env`, and kept
 * by the handler for later requests with the same bindings.
 */
import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
import { AgentSession, AgentSessions } from "@lyzr-effect/core"
import { Effect, Schema } from "effect"

export interface Env extends CloudflareLyzr.LyzrEnv {
  readonly LYZR_API_KEY: string
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } })

const problem = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { type, message } }, headers)

const encodeSession = Schema.encode(AgentSession)

/** `/agents/{agentId}/sessions[/{sessionId}]`, the IDs percent-decoded; undefined for any other path. */
const match = (pathname: string): { agentId: string; sessionId?: string } | undefined => {
  const parts = pathname.split("/")
  if (parts[0] !== "" || parts[1] !== "agents" || parts[3] !== "sessions") return undefined
  if (parts.length !== 4 && parts.length !== 5) return undefined
  try {
    const agentId = decodeURIComponent(parts[2]!)
    return parts.length === 5 ? { agentId, sessionId: decodeURIComponent(parts[4]!) } : { agentId }
  } catch {
    return undefined
  }
}

const route = (request: Request) =>
  Effect.gen(function*() {
    const target = match(new URL(request.url).pathname)
    if (target === undefined) return problem(404, "NotFound", "try GET /agents/:agentId/sessions[/:sessionId]")
    if (request.method !== "GET" && request.method !== "HEAD") {
      return problem(405, "MethodNotAllowed", `${request.method} is not supported`, { allow: "GET, HEAD" })
    }
    const sessions = yield* AgentSessions
    if (target.sessionId === undefined) {
      const ids = yield* sessions.list(target.agentId)
      return json(200, { agentId: target.agentId, sessions: ids })
    }
    const session = yield* sessions.get(target.agentId, target.sessionId)
    return json(200, yield* Effect.orDie(encodeSession(session)))
  })

export default {
  fetch: CloudflareLyzr.handler(route)
}
