/**
 * The two endpoints: their paths built from checked, encoded IDs, and what each call is named, traces
 * and means by a 404. A core drives every call from one of these descriptors.
 *
 * @since 0.1.0
 */
import { type ErrorRecord, invalidRequest, type NotFound } from "./ErrorRecord.ts"

/**
 * The documented ID patterns of the v2 endpoint.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.agentIdPattern.test("agt_123") // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const agentIdPattern = /^agt_[0-9a-zA-Z_-]+$/

/**
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.sessionIdPattern.test("ase_123") // true
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const sessionIdPattern = /^ase_[0-9a-zA-Z_-]+$/

/** A bounded, printable rendering of a rejected ID. */
const describe = (value: unknown): string => {
  if (typeof value !== "string") return value === null ? "null" : typeof value
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
}

/** An ID as a single path segment. `.` and `..` are refused: URL parsers resolve them (even as `%2e`). */
const segment = (id: unknown, name: string): string | ErrorRecord => {
  if (typeof id !== "string") return invalidRequest(`${name} must be a string, got ${describe(id)}`)
  if (id.length === 0) return invalidRequest(`${name} must not be empty`)
  if (id === "." || id === "..") return invalidRequest(`${name} must not be "${id}"`)
  try {
    return encodeURIComponent(id)
  } catch {
    // encodeURIComponent throws URIError on a lone surrogate, which no URL can carry.
    return invalidRequest(`${name} is not well-formed Unicode (it has a lone surrogate)`)
  }
}

/**
 * `/v1/agent/{agent_id}/sessions`; any non-empty ID is sent, percent-encoded.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.listPath("a/b") // "/v1/agent/a%2Fb/sessions"
 * ```
 *
 * @since 0.1.0
 * @category paths
 */
export const listPath = (agentId: unknown): string | ErrorRecord => {
  const agent = segment(agentId, "agent_id")
  return typeof agent === "string" ? `/v1/agent/${agent}/sessions` : agent
}

/**
 * `/v2/agents/{agent_id}/sessions/{session_id}`; the IDs must match the documented patterns.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.getPath("agt_1", "ase_2") // "/v2/agents/agt_1/sessions/ase_2"
 * ```
 *
 * @since 0.1.0
 * @category paths
 */
export const getPath = (agentId: unknown, sessionId: unknown): string | ErrorRecord => {
  if (typeof agentId !== "string" || !agentIdPattern.test(agentId)) {
    return invalidRequest(`agent_id must match ${agentIdPattern.source}, got ${describe(agentId)}`, "invalid_request")
  }
  if (typeof sessionId !== "string" || !sessionIdPattern.test(sessionId)) {
    return invalidRequest(
      `session_id must match ${sessionIdPattern.source}, got ${describe(sessionId)}`,
      "invalid_request"
    )
  }
  return `/v2/agents/${agentId}/sessions/${sessionId}`
}

/**
 * One endpoint as a core drives it: the span name, what a decode failure says it expected, what a
 * bare 404 means, and the path and span attributes of a call.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * const path = Endpoint.get.path(["agt_1", "ase_2"]) // "/v2/agents/agt_1/sessions/ase_2"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Endpoint<Args extends ReadonlyArray<unknown>> {
  readonly spanName: string
  /** What the body should be, for a decode failure: "a list of sessions". */
  readonly expected: string
  readonly notFound: NotFound
  readonly path: (args: Args) => string | ErrorRecord
  readonly attributes: (args: Args) => Record<string, string>
}

/**
 * `AgentSessions.list`.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.list.spanName // "AgentSessions.list"
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const list: Endpoint<readonly [agentId: string]> = {
  spanName: "AgentSessions.list",
  expected: "a list of sessions",
  notFound: "agent",
  path: ([agentId]) => listPath(agentId),
  attributes: ([agentId]) => ({ "lyzr.agent_id": String(agentId) })
}

/**
 * `AgentSessions.get`.
 *
 * @example
 * ```ts
 * import { Endpoint } from "@lyzr-effect/wire"
 *
 * Endpoint.get.attributes(["agt_1", "ase_2"]) // { "lyzr.agent_id": "agt_1", "lyzr.session_id": "ase_2" }
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const get: Endpoint<readonly [agentId: string, sessionId: string]> = {
  spanName: "AgentSessions.get",
  expected: "an AgentSession",
  notFound: "session",
  path: ([agentId, sessionId]) => getPath(agentId, sessionId),
  attributes: ([agentId, sessionId]) => ({ "lyzr.agent_id": String(agentId), "lyzr.session_id": String(sessionId) })
}
