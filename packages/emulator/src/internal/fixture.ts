import type { Fixture, FixtureAgent, FixtureSession, KeyAccess } from "../Emulator.ts"

/** @internal */
export const keys = Object.freeze(
  {
    full: "lyzr-emulator-key",
    restricted: "lyzr-emulator-restricted-key"
  } as const
)

/** @internal */
export const legacyAgentId = "66b1f2a9c4e5d60718293a4b"

// Built by a function, not held in a module constant, so no caller can mutate
// what another caller gets.
/** @internal */
export const defaultFixture = (): Fixture => ({
  agents: {
    agt_customer_support: {
      sessions: [
        {
          // Verbatim from the Get Agent Session API document.
          id: "ase_customer_support_001",
          description:
            "Customer support session for billing inquiry regarding account charges and payment processing issues",
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
          created_at: "2024-01-15T10:30:00Z",
          session_name: "Billing inquiry - John Smith",
          user_id: "customer@example.com"
        },
        {
          id: "ase_customer_support_002",
          description: "Refund request for a duplicate annual subscription charge",
          metadata: {
            customer_id: "customer_67890",
            customer_email: "maria.garcia@example.org",
            priority: "medium",
            channel: "email",
            issue_category: "refunds",
            interaction_count: 3,
            tags: ["duplicate_charge", "annual_plan"],
            sla: { first_response_minutes: 45, breached: false },
            notes: null
          },
          enabled: true,
          created_at: "2024-02-03T08:12:45Z",
          session_name: "Duplicate charge refund",
          user_id: "maria.garcia@example.org"
        },
        {
          id: "ase_customer_support_003",
          description: "Password reset walkthrough (closed)",
          metadata: {
            customer_id: "customer_24680",
            priority: "low",
            channel: "mobile_app",
            issue_category: "account_access",
            resolution_status: "resolved",
            satisfaction_score: 4.5,
            escalated: false
          },
          enabled: false,
          created_at: "2023-11-28T17:05:09Z",
          session_name: "Password reset",
          user_id: "k.tanaka@example.net"
        }
      ]
    },
    agt_sales_assistant: {
      sessions: [
        {
          id: "ase_sales_lead_101",
          description: "Inbound lead qualification for an enterprise analytics trial",
          metadata: {
            lead_source: "webinar",
            company: "Northwind Traders",
            deal_value: 125000.5,
            currency: "USD",
            stage: "qualification",
            contacts: [{ name: "Ana Silva", role: "CTO" }]
          },
          enabled: true,
          created_at: "2024-03-10T12:00:00Z",
          session_name: "Northwind trial",
          user_id: "ana.silva@northwind.example"
        },
        {
          id: "ase_sales_lead_102",
          description: "Abandoned pricing conversation",
          metadata: {},
          enabled: false,
          created_at: "2024-03-11T09:41:17Z",
          session_name: "Pricing question",
          user_id: "anonymous"
        },
        {
          id: "ase_sales-demo_2024",
          description: "Product demo scheduling with a returning prospect",
          metadata: {
            lead_source: "referral",
            demo_date: "2024-04-02",
            attendees: 3,
            follow_up: true,
            locale: "de-DE"
          },
          enabled: true,
          created_at: "2024-03-28T15:30:00Z",
          session_name: "Demo: Contoso GmbH",
          user_id: "j.mueller@contoso.example"
        }
      ]
    },
    agt_onboarding_bot: { sessions: [] },
    [legacyAgentId]: {
      sessions: [
        {
          id: `${legacyAgentId}-k3v9q2`,
          description: "Legacy Studio chat",
          metadata: { source: "studio" },
          enabled: true,
          created_at: "2023-08-19T06:22:10Z",
          session_name: "Studio chat",
          user_id: "dev@example.com"
        },
        {
          id: `${legacyAgentId}-p8x1m4`,
          description: "Legacy Studio chat (second)",
          metadata: { source: "studio", model: "gpt-4o-mini" },
          enabled: true,
          created_at: "2023-08-20T11:02:55Z",
          session_name: "Studio chat 2",
          user_id: "dev@example.com"
        }
      ]
    }
  },
  keys: {
    [keys.full]: "*",
    [keys.restricted]: ["agt_customer_support"]
  }
})

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const fail = (path: string, expected: string): never => {
  throw new TypeError(`Invalid emulator fixture at ${path}: expected ${expected}`)
}

const parseSession = (u: unknown, path: string): FixtureSession => {
  if (!isRecord(u)) return fail(path, "an object")
  const str = (key: string): string => {
    const v = u[key]
    return typeof v === "string" ? v : fail(`${path}.${key}`, "a string")
  }
  if (!isRecord(u.metadata)) fail(`${path}.metadata`, "an object")
  if (typeof u.enabled !== "boolean") fail(`${path}.enabled`, "a boolean")
  const session: {
    -readonly [K in keyof FixtureSession]: FixtureSession[K]
  } = {
    id: str("id"),
    description: str("description"),
    // JSON round trip: a deep copy that also drops what JSON cannot carry.
    metadata: JSON.parse(JSON.stringify(u.metadata)),
    enabled: u.enabled as boolean,
    created_at: str("created_at")
  }
  if (u.session_name !== undefined) session.session_name = str("session_name")
  if (u.user_id !== undefined) session.user_id = str("user_id")
  return session
}

/** @internal */
export const parseFixture = (input: unknown): Fixture => {
  if (!isRecord(input)) return fail("$", "an object with `agents` and `keys`")
  if (!isRecord(input.agents)) return fail("$.agents", "an object of agents by id")
  if (!isRecord(input.keys)) return fail("$.keys", "an object of agent access by API key")
  const agents: Record<string, FixtureAgent> = {}
  for (const [agentId, agent] of Object.entries(input.agents)) {
    const path = `$.agents[${JSON.stringify(agentId)}]`
    if (!isRecord(agent) || !Array.isArray(agent.sessions)) fail(path, "an object with a `sessions` array")
    const sessions = (agent as { sessions: Array<unknown> }).sessions.map((s, i) =>
      parseSession(s, `${path}.sessions[${i}]`)
    )
    agents[agentId] = { sessions }
  }
  const keyAccess: Record<string, KeyAccess> = {}
  for (const [key, access] of Object.entries(input.keys)) {
    const path = `$.keys[${JSON.stringify(key)}]`
    if (access === "*") keyAccess[key] = "*"
    else if (Array.isArray(access) && access.every((a) => typeof a === "string")) keyAccess[key] = [...access]
    else fail(path, `"*" or an array of agent ids`)
  }
  return { agents, keys: keyAccess }
}
