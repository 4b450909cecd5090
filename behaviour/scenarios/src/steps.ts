/**
 * Short names for the steps and calls the scenarios are written with. Each returns plain data.
 */
import { seedIds } from "./fixtures.ts"
import type { Call, Reply, Step } from "./Scenario.ts"

/** A JSON answer. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  body: { json: body }
})

/** A text answer (any content type, or none). */
export const text = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  body
})

/** An answer without a body. */
export const empty = (status: number, headers: Record<string, string> = {}): Reply => ({ status, headers })

/** A redirect. */
export const redirect = (status: number, location: string): Reply => ({ status, headers: { location } })

/** The connection is reset when the request arrives. */
export const reset: Step = { fault: "reset" }

/** The server closes the connection without answering. */
export const closeBeforeHeaders: Step = { fault: "close-before-headers" }

/** The server never answers. */
export const hang: Step = { fault: "hang" }

/** `n` copies of a step. */
export const times = (n: number, step: Step): ReadonlyArray<Step> => Array.from({ length: n }, () => step)

/** `list(agentId)`. */
export const list = (agentId: string): Call => ({ list: agentId })

/** `get(agentId, sessionId)`. */
export const get = (agentId: string, sessionId: string): Call => ({ get: [agentId, sessionId] })

/** `get` of the seed's session. */
export const getSeed: Call = { get: seedIds }

/** `list` of an agent of the v1 endpoint. */
export const listAgent: Call = { list: "agt_1" }

/** The v1 path of `listAgent`. */
export const listPath = "/v1/agent/agt_1/sessions"

/** A list answer in the documented shape. */
export const sessions = (...ids: ReadonlyArray<string>): Reply => json(200, { sessions: ids })
