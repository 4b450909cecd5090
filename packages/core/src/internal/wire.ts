/**
 * What goes on the wire: IDs checked before a request, paths built from encoded segments, the base
 * URL and the key checked once at configuration.
 */
import { InvalidRequest } from "../AgentSessionsError.ts"

const agentIdPattern = /^agt_[0-9a-zA-Z_-]+$/
const sessionIdPattern = /^ase_[0-9a-zA-Z_-]+$/

/** An ID as a single path segment. `.` and `..` are refused: URL parsers resolve them (even as `%2e`). */
const segment = (id: string, name: string): string | InvalidRequest => {
  if (id.length === 0) return new InvalidRequest({ message: `${name} must not be empty` })
  if (id === "." || id === "..") return new InvalidRequest({ message: `${name} must not be "${id}"` })
  try {
    return encodeURIComponent(id)
  } catch {
    // encodeURIComponent throws URIError on a lone surrogate, which is no text a URL can carry.
    return new InvalidRequest({ message: `${name} is not well-formed Unicode (it has a lone surrogate)` })
  }
}

/** `/v1/agent/{agent_id}/sessions`; any non-empty ID is sent, percent-encoded. */
export const listPath = (agentId: string): string | InvalidRequest => {
  if (typeof agentId !== "string") return new InvalidRequest({ message: "agent_id must be a string" })
  const agent = segment(agentId, "agent_id")
  return typeof agent === "string" ? `/v1/agent/${agent}/sessions` : agent
}

/** `/v2/agents/{agent_id}/sessions/{session_id}`; the IDs must match the documented patterns. */
export const getPath = (agentId: string, sessionId: string): string | InvalidRequest => {
  if (typeof agentId !== "string" || !agentIdPattern.test(agentId)) {
    return new InvalidRequest({
      message: `agent_id must match ${agentIdPattern.source}, got ${describe(agentId)}`,
      code: "invalid_request"
    })
  }
  if (typeof sessionId !== "string" || !sessionIdPattern.test(sessionId)) {
    return new InvalidRequest({
      message: `session_id must match ${sessionIdPattern.source}, got ${describe(sessionId)}`,
      code: "invalid_request"
    })
  }
  return `/v2/agents/${agentId}/sessions/${sessionId}`
}

/** A bounded, printable rendering of a rejected ID. */
const describe = (value: unknown): string => {
  if (typeof value !== "string") return typeof value
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)
  return shown
}

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  hostname === "[::1]" ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/** The base URL, checked: http(s), no credentials, no query; plain http only to loopback unless allowed. */
export const parseBaseUrl = (input: string | URL, allowInsecureHttp: boolean): URL | string => {
  let url: URL
  try {
    url = new URL(input.toString())
  } catch {
    return `baseUrl is not a valid URL`
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return `baseUrl must use https (got ${url.protocol})`
  }
  if (url.username !== "" || url.password !== "") {
    return "baseUrl must not contain credentials"
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)) {
    return `baseUrl ${url.origin} uses plain http, which would send the API key unencrypted; ` +
      "use https, a loopback host, or set allowInsecureHttp: true"
  }
  url.search = ""
  url.hash = ""
  return url
}

/** A key that cannot be sent as a header value (CR/LF would split the header) is refused up front. */
export const checkApiKey = (key: string): string | undefined => {
  if (key.length === 0) return "the API key is empty"
  if (/[\r\n]/.test(key)) return "the API key contains a line break (CR or LF)"
  if (/[^\x20-\x7e\t]/.test(key)) return "the API key contains characters that are not allowed in an HTTP header"
  return undefined
}
