import { Emulator } from "../src/index.ts"

export const origin = "http://emulator.test"
export const listPath = (agentId: string) => `/v1/agent/${encodeURIComponent(agentId)}/sessions`
export const getPath = (agentId: string, sessionId: string) =>
  `/v2/agents/${encodeURIComponent(agentId)}/sessions/${encodeURIComponent(sessionId)}`

/** A request to the emulator with the full-access key unless told otherwise (`null`: no key). */
export const call = (
  emu: Emulator.Emulator,
  path: string,
  options: { readonly key?: string | null; readonly method?: string; readonly signal?: AbortSignal } = {}
): Promise<Response> => {
  const key = options.key === undefined ? Emulator.keys.full : options.key
  return emu.handler(
    new Request(origin + path, {
      method: options.method ?? "GET",
      headers: key === null ? {} : { "x-api-key": key },
      ...(options.signal ? { signal: options.signal } : {})
    })
  )
}

export const example = {
  id: "ase_customer_support_001",
  agent_id: "agt_customer_support",
  description: "Customer support session for billing inquiry regarding account charges and payment processing issues",
  metadata: {
    customer_id: "customer_12345",
    customer_email: "customer@example.com",
    customer_name: "John Smith",
    priority: "high",
    channel: "web_chat",
    issue_category: "billing",
    sub_category: "payment_processing",
    assigned_rep: "rep_sarah_001",
    session_context: "premium_customer",
    account_type: "enterprise",
    interaction_count: 8,
    last_interaction: "2024-01-15T14:22:30Z",
    resolution_status: "in_progress",
    escalation_level: "tier_1"
  },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}
