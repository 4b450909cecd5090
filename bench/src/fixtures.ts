/** The bodies the benchmark serves and decodes. */

export const agentId = "agt_customer_support"
export const sessionId = "ase_customer_support_001"
export const apiKey = "sk-bench-0123456789abcdef"

/** The example session of the seed document (GET /v2/agents/{agent_id}/sessions/{session_id}). */
export const seedSession = {
  id: sessionId,
  agent_id: agentId,
  description: "Customer support session for billing inquiry regarding account charges and payment processing issues",
  metadata: {
    customer_id: "customer_12345",
    priority: "high",
    interaction_count: 8,
    last_interaction: "2024-01-15T14:22:30Z"
  },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}

/** The example list of the seed document (GET /v1/agent/{agent_id}/sessions). */
export const seedList = { sessions: ["session_abc_123", "session_xyz_456"] }

export const getPath = `/v2/agents/${agentId}/sessions/${sessionId}`
export const listPath = `/v1/agent/${agentId}/sessions`

const id = (i: number) => `ase_${i.toString(36).padStart(8, "0")}`

/** `{"sessions": ["ase_...", ...]}`: the documented shape. */
export const documentedList = (count: number): string =>
  JSON.stringify({ sessions: Array.from({ length: count }, (_, i) => id(i)) })

/** `[{"session_id", "session_name", "user_id", "created_at"}, ...]`: what the live service sends. */
export const liveList = (count: number): string =>
  JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      session_id: id(i),
      session_name: `Session ${i}`,
      user_id: `user_${i % 97}`,
      created_at: "2024-01-15T10:30:00Z"
    }))
  )

/** The floor's hand-written shape check of a session. */
export const isSession = (u: unknown): boolean => {
  if (typeof u !== "object" || u === null) return false
  const s = u as Record<string, unknown>
  return typeof s.id === "string" &&
    typeof s.agent_id === "string" &&
    typeof s.enabled === "boolean" &&
    typeof s.created_at === "string" &&
    (s.description == null || typeof s.description === "string") &&
    (s.metadata == null || typeof s.metadata === "object")
}

/** The floor's hand-written check of a list body (either shape), returning the IDs. */
export const listIds = (u: unknown): ReadonlyArray<string> | undefined => {
  const items = Array.isArray(u)
    ? u
    : typeof u === "object" && u !== null && Array.isArray((u as { sessions?: unknown }).sessions)
    ? (u as { sessions: Array<unknown> }).sessions
    : undefined
  if (items === undefined) return undefined
  const ids: Array<string> = []
  for (const item of items) {
    if (typeof item === "string") ids.push(item)
    else if (
      typeof item === "object" && item !== null && typeof (item as { session_id?: unknown }).session_id === "string"
    ) {
      ids.push((item as { session_id: string }).session_id)
    } else return undefined
  }
  return ids
}
