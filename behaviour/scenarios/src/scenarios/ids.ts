/**
 * The ID rules: IDs that cannot name one path segment (or, for get, do not match the documented patterns)
 * are refused before any request; every other ID is sent percent-encoded, so it cannot change the route.
 */
import type { Call, Scenario } from "../Scenario.ts"
import { get, list, sessions } from "../steps.ts"

const area = "ids"

/** The call fails with `InvalidRequest` and no request is sent; the span records 0 attempts. */
const refused = (name: string, call: Call, message: string, code: string | null = null): Scenario => ({
  name,
  area,
  script: [sessions("ase_1")],
  call,
  expect: {
    error: { _tag: "InvalidRequest", status: null, code, message, body: null },
    requests: { count: 0 },
    elapsedMillis: [0, 0],
    span: {
      name: "list" in call ? "AgentSessions.list" : "AgentSessions.get",
      attributes: { "lyzr.attempts": 0, "url.path": null }
    }
  }
})

/** The call is sent with the ID encoded into one path segment. */
const encoded = (name: string, agentId: string, path: string): Scenario => ({
  name,
  area,
  script: [sessions("ase_1")],
  call: list(agentId),
  expect: {
    value: ["ase_1"],
    requests: { count: 1, paths: [path] },
    span: { name: "AgentSessions.list", attributes: { "lyzr.agent_id": agentId, "url.path": path } }
  }
})

export const ids: ReadonlyArray<Scenario> = [
  refused(
    "list of an empty agent ID fails with InvalidRequest before any request",
    list(""),
    "agent_id must not be empty"
  ),
  refused(
    "list of agent ID \"..\" fails with InvalidRequest before any request",
    list(".."),
    "agent_id must not be \"..\""
  ),
  refused(
    "list of agent ID \".\" fails with InvalidRequest before any request",
    list("."),
    "agent_id must not be \".\""
  ),
  refused(
    "list of an agent ID with a lone surrogate fails with InvalidRequest before any request",
    list("agt_\ud800"),
    "agent_id is not well-formed Unicode"
  ),
  refused(
    "get of an agent ID without agt_ fails with InvalidRequest (code invalid_request) before any request",
    get("customer_support", "ase_1"),
    "agent_id must match ^agt_[0-9a-zA-Z_-]+$, got \"customer_support\"",
    "invalid_request"
  ),
  refused(
    "get of a session ID with a path in it fails with InvalidRequest before any request",
    get("agt_1", "ase_1/../../v1/admin"),
    "session_id must match ^ase_[0-9a-zA-Z_-]+$",
    "invalid_request"
  ),
  refused(
    "get of an empty session ID fails with InvalidRequest before any request",
    get("agt_1", ""),
    "session_id must match",
    "invalid_request"
  ),
  encoded(
    "list sends an agent ID with / ? # as one encoded path segment",
    "agt/../admin?x=1#y",
    "/v1/agent/agt%2F..%2Fadmin%3Fx%3D1%23y/sessions"
  ),
  encoded(
    "list sends Lyzr's 24-hex agent IDs as they are",
    "65f1c0ffee0123456789abcd",
    "/v1/agent/65f1c0ffee0123456789abcd/sessions"
  ),
  encoded(
    "list sends spaces and non-ASCII in an agent ID percent-encoded",
    "agent é 1",
    "/v1/agent/agent%20%C3%A9%201/sessions"
  )
]
