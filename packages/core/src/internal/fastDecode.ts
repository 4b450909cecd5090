/**
 * Fast paths for the two response bodies. `JSON.parse` has already produced the value, so each check
 * is a few `typeof`s instead of a walk through Schema's parser (17× `JSON.parse` for a list of 100k
 * IDs, ~25 µs per session; see BENCHMARKS.md). Each returns exactly what the schema would decode, or
 * `undefined` when the value is not in the expected shape: the schema then decodes it and, if it
 * fails, reports why. So the accepted inputs and the results are the schemas', only faster.
 */
import { DateTime } from "effect"
import { AgentSession } from "../AgentSession.ts"

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/** Whether every number in a parsed JSON value is finite. */
const allFinite = (value: unknown): boolean => {
  if (typeof value === "number") return Number.isFinite(value)
  if (typeof value !== "object" || value === null) return true
  if (Array.isArray(value)) return value.every(allFinite)
  for (const key in value) {
    if (!allFinite((value as Record<string, unknown>)[key])) return false
  }
  return true
}

/** The decoded `AgentSession`, or `undefined` to let the schema decide. */
export const session = (json: unknown): AgentSession | undefined => {
  if (!isObject(json)) return undefined
  const { agent_id, created_at, description, enabled, id, metadata } = json
  if (
    typeof id !== "string" || typeof agent_id !== "string" || typeof enabled !== "boolean" ||
    typeof created_at !== "string"
  ) return undefined
  if (description != null && typeof description !== "string") return undefined
  // `JSON.parse` returns JSON values, but a number literal past the float range (1e400) becomes
  // Infinity, which the schema's JsonValue (finite numbers) rejects: such metadata goes to the schema.
  if (metadata != null && (!isObject(metadata) || !allFinite(metadata))) return undefined
  let created: DateTime.Utc
  try {
    // What Schema.DateTimeUtc does with a string.
    created = DateTime.unsafeMake(created_at)
  } catch {
    return undefined
  }
  // Like the schema: a null or absent description is absent, a null or absent metadata is {}.
  const fields = {
    id,
    agent_id,
    metadata: (metadata ?? {}) as AgentSession["metadata"],
    enabled,
    created_at: created
  }
  // Validation is off as in Schema's own decode: the fields were just checked.
  return new AgentSession(typeof description === "string" ? { ...fields, description } : fields, true)
}

/** The IDs of either list shape, or `undefined` to let the schema decide. */
export const sessionIds = (json: unknown): ReadonlyArray<string> | undefined => {
  const items: unknown = Array.isArray(json) ? json : isObject(json) ? json.sessions : undefined
  if (!Array.isArray(items)) return undefined
  const ids = new Array<string>(items.length)
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i]
    if (typeof item === "string") ids[i] = item
    else if (isObject(item) && typeof item.session_id === "string") ids[i] = item.session_id
    else return undefined
  }
  return ids
}
