/**
 * The suite's key, the seed's session, and the placeholders of templates (see `Scenario.ts`).
 */
import type { Body, KeyForm, Scenario, Template } from "./Scenario.ts"

/**
 * The API key every scenario configures unless it says otherwise. Distinctive (a leak is found by a plain
 * search), with a `/` and a `+` so that its JSON and percent-encoded forms differ from it.
 */
export const key = "sk-beh/LEAK+canary_7f3a9c2e"

/** The origin the client is configured with in process. */
export const inProcessBase = "https://lyzr.behaviour.test"

/** The origin a scenario's client is configured with in process: its own base URL's, or {@link inProcessBase}. */
export const inProcessOrigin = (scenario: Scenario): string => {
  const baseUrl = scenario.options?.baseUrl
  return baseUrl !== undefined && URL.canParse(baseUrl) ? new URL(baseUrl).origin : inProcessBase
}

/** Another origin, in process. */
export const inProcessOther = "https://elsewhere.behaviour.test"

/** What replaces the key in everything the client reports. */
export const redacted = "<redacted>"

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0")
const percentOf = (char: string) =>
  Array.from(new TextEncoder().encode(char), (byte) => `%${hex(byte, 2).toUpperCase()}`).join("")

/** The key (or any text) written in one of the forms a server may echo it in. */
export const keyForm = (text: string, form: KeyForm): string => {
  const chars = Array.from(text)
  switch (form) {
    case "literal":
      return text
    case "percent":
      return chars.map(percentOf).join("")
    case "uri-component":
      return encodeURIComponent(text)
    case "percent-mixed":
      return chars.map((c, i) => (i % 2 === 0 ? percentOf(c).toLowerCase() : c)).join("")
    case "json-unicode":
      return chars.map((c) => `\\u${hex(c.charCodeAt(0), 4)}`).join("")
    case "json-unicode-mixed":
      return chars.map((c, i) => (i % 2 === 1 ? `\\u${hex(c.charCodeAt(0), 4).toUpperCase()}` : c)).join("")
    case "json-slash":
      return text.replace(/\//g, "\\/")
  }
}

/** Every form, for the "appears nowhere" check. */
export const keyForms: ReadonlyArray<KeyForm> = [
  "literal",
  "percent",
  "uri-component",
  "percent-mixed",
  "json-unicode",
  "json-unicode-mixed",
  "json-slash"
]

/** What the placeholders stand for where a step is played. */
export interface Context {
  readonly key: string
  readonly base: string
  readonly other: string
  /** The server's clock, epoch milliseconds (`{{httpDate:+N}}`). */
  readonly now: number
}

const placeholder = /\{\{(\w+)(?::([^}]+))?\}\}/g

/** A template with its placeholders filled in. */
export const render = (template: Template, context: Context): string =>
  template.replace(placeholder, (whole, name: string, argument: string | undefined) => {
    switch (name) {
      case "key":
        return keyForm(context.key, (argument ?? "literal") as KeyForm)
      case "base":
        return context.base
      case "other":
        return context.other
      case "httpDate":
        return new Date(context.now + Number(argument ?? "0") * 1000).toUTCString()
      default:
        return whole
    }
  })

/** A value with the placeholders of every string in it filled in. */
export const renderDeep = (value: unknown, context: Context): unknown => {
  if (typeof value === "string") return render(value, context)
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, context))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, renderDeep(item, context)]))
  }
  return value
}

/** A body's bytes. */
export const bodyBytes = (body: Body | undefined, context: Context): Uint8Array => {
  if (body === undefined) return new Uint8Array(0)
  if (typeof body === "string") return new TextEncoder().encode(render(body, context))
  if ("json" in body) return new TextEncoder().encode(JSON.stringify(renderDeep(body.json, context)))
  if ("bytes" in body) return Uint8Array.from(body.bytes)
  return new TextEncoder().encode(body.repeat.repeat(body.times))
}

/** Whether a body is JSON (and gets `content-type: application/json` by default). */
export const isJsonBody = (body: Body | undefined): boolean =>
  typeof body === "object" && body !== null && "json" in body

/** The session of seed 004, as the wire sends it. */
export const seedSession = {
  id: "ase_customer_support_001",
  agent_id: "agt_customer_support",
  description: "Customer support session for billing inquiry regarding account charges and payment processing issues",
  metadata: {
    customer_id: "customer_12345",
    priority: "high",
    interaction_count: 8,
    tags: ["billing", "payment"],
    escalation: { level: 1, by: null }
  },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
} as const

/** The seed's session as `get` returns it. */
export const seedValue = { ...seedSession, created_at: "2024-01-15T10:30:00.000Z" }

/** The seed's IDs for `get`. */
export const seedIds = [seedSession.agent_id, seedSession.id] as const

/** The seed's `get` path. */
export const seedPath = `/v2/agents/${seedSession.agent_id}/sessions/${seedSession.id}`

/** A session with some wire fields replaced. */
export const sessionWith = (fields: Record<string, unknown>) => ({ ...seedSession, ...fields })
