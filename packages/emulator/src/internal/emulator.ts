import type {
  Emulator,
  Fault,
  FaultRule,
  Fixture,
  FixtureSession,
  ListShape,
  LoggedRequest,
  Options,
  Outcome,
  Route
} from "../Emulator.ts"
import { makeControl } from "./control.ts"
import { type ArmedRule, mulberry32, pick, validateRule } from "./faults.ts"
import { fingerprint } from "./fingerprint.ts"
import { defaultFixture, parseFixture } from "./fixture.ts"

// ---------------------------------------------------------------------------
// routing
// ---------------------------------------------------------------------------

interface Target {
  readonly route: Route
  readonly agentId?: string | undefined
  readonly sessionId?: string | undefined
}

// Decoded once, like Python's `unquote`: an invalid escape stays as written.
const decodeSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * `/v1/agent/{agent_id}/sessions` and `/v2/agents/{agent_id}/sessions/{session_id}`.
 * A parameter is one non-empty path segment (as in Starlette's `{param}`), so an
 * encoded `%2F` stays inside the parameter and a trailing slash is no match.
 * @internal
 */
export const route = (pathname: string): Target => {
  const s = pathname.split("/")
  if (s.length === 5 && s[0] === "" && s[1] === "v1" && s[2] === "agent" && s[3] && s[4] === "sessions") {
    return { route: "list", agentId: decodeSegment(s[3]) }
  }
  if (
    s.length === 6 && s[0] === "" && s[1] === "v2" && s[2] === "agents" && s[3] && s[4] === "sessions" && s[5]
  ) {
    return { route: "get", agentId: decodeSegment(s[3]), sessionId: decodeSegment(s[5]) }
  }
  return { route: "unknown" }
}

const agentIdPattern = /^agt_[0-9a-zA-Z_-]+$/
const sessionIdPattern = /^ase_[0-9a-zA-Z_-]+$/

// The v1 document types agent_id as a plain string; the emulator's own rule
// (so that 422 is reachable): at most 128 characters, no whitespace or control
// characters.
const v1AgentIdMaxLength = 128
// eslint-disable-next-line no-control-regex
const v1AgentIdForbidden = /[\s\u0000-\u001f\u007f]/

// ---------------------------------------------------------------------------
// responses
// ---------------------------------------------------------------------------

const encoder = new TextEncoder()

interface Context {
  readonly method: string
  readonly target: Target
  readonly apiKey: string | undefined
  readonly requestId: string
}

const respond = (
  ctx: Context,
  status: number,
  body: string | ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {}
): Response => {
  const h = new Headers({ "x-request-id": ctx.requestId })
  if (typeof body === "string") h.set("content-length", String(encoder.encode(body).byteLength))
  for (const [name, value] of Object.entries(headers)) h.set(name, value)
  return new Response(body, { status, headers: h })
}

const json = (ctx: Context, status: number, value: unknown, headers: Record<string, string> = {}): Response =>
  respond(ctx, status, JSON.stringify(value), { "content-type": "application/json", ...headers })

// v1 is FastAPI: errors are `{"detail": ...}`. v2 documents `{"error": {code, message}}`.
const v1Error = (ctx: Context, status: number, detail: string, headers?: Record<string, string>) =>
  json(ctx, status, { detail }, headers)
const v2Error = (ctx: Context, status: number, code: string, message: string, headers?: Record<string, string>) =>
  json(ctx, status, { error: { code, message } }, headers)

const routeError = (
  ctx: Context,
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>
): Response =>
  ctx.target.route === "get" ? v2Error(ctx, status, code, message, headers) : v1Error(ctx, status, message, headers)

const liveItem = (s: FixtureSession) => ({
  session_id: s.id,
  session_name: s.session_name ?? s.id,
  user_id: s.user_id ?? "emulator-user@example.com",
  created_at: s.created_at
})

const sessionBody = (agentId: string, s: FixtureSession) => ({
  id: s.id,
  agent_id: agentId,
  description: s.description,
  metadata: s.metadata,
  enabled: s.enabled,
  created_at: s.created_at
})

const listBody = (listShape: ListShape, sessions: ReadonlyArray<FixtureSession>): unknown =>
  listShape === "live" ? sessions.map(liveItem) : { sessions: sessions.map((s) => s.id) }

type Access = { readonly _tag: "Allowed" } | {
  readonly _tag: "Denied"
  readonly status: 401 | 403
  readonly why: string
}

const access = (fixture: Fixture, apiKey: string | undefined, agentId: string): Access => {
  if (apiKey === undefined || apiKey === "") return { _tag: "Denied", status: 401, why: "Missing API key" }
  const allowed = Object.hasOwn(fixture.keys, apiKey) ? fixture.keys[apiKey] : undefined
  if (allowed === undefined) return { _tag: "Denied", status: 401, why: "Invalid API key" }
  if (allowed === "*" || allowed.includes(agentId)) return { _tag: "Allowed" }
  return { _tag: "Denied", status: 403, why: "Insufficient permissions for accessing this agent" }
}

const findAgent = (fixture: Fixture, agentId: string) =>
  Object.hasOwn(fixture.agents, agentId) ? fixture.agents[agentId] : undefined

/**
 * The service itself: what it answers when nothing goes wrong. Checks run in
 * the order a FastAPI service with an API-key dependency runs them: route,
 * method, key (401), parameter format (422 / 400), permission (403), existence
 * (404).
 */
const serve = (fixture: Fixture, listShape: ListShape, ctx: Context): Response => {
  const { target } = ctx
  if (target.route === "unknown") return v1Error(ctx, 404, "Not Found")
  if (ctx.method !== "GET") return v1Error(ctx, 405, "Method Not Allowed", { allow: "GET" })
  const agentId = target.agentId ?? ""
  const granted = access(fixture, ctx.apiKey, agentId)
  if (target.route === "list") {
    if (granted._tag === "Denied" && granted.status === 401) return v1Error(ctx, 401, granted.why)
    const invalid = v1AgentIdInvalid(agentId)
    if (invalid) return json(ctx, 422, { detail: [invalid] })
    if (granted._tag === "Denied") return v1Error(ctx, 403, granted.why)
    const agent = findAgent(fixture, agentId)
    if (agent === undefined) return v1Error(ctx, 404, "Agent not found")
    return json(ctx, 200, listBody(listShape, agent.sessions))
  }
  const sessionId = target.sessionId ?? ""
  if (granted._tag === "Denied" && granted.status === 401) {
    return v2Error(ctx, 401, "unauthorized", `${granted.why}: send it in the x-api-key header`)
  }
  if (!agentIdPattern.test(agentId)) {
    return v2Error(ctx, 400, "invalid_request", "Invalid agent_id format: must match ^agt_[0-9a-zA-Z_-]+$")
  }
  if (!sessionIdPattern.test(sessionId)) {
    return v2Error(ctx, 400, "invalid_request", "Invalid session_id format: must match ^ase_[0-9a-zA-Z_-]+$")
  }
  if (granted._tag === "Denied") {
    return v2Error(ctx, 403, "forbidden", "Insufficient permissions for accessing this session")
  }
  const agent = findAgent(fixture, agentId)
  if (agent === undefined) return v2Error(ctx, 404, "agent_not_found", "Agent with the specified ID does not exist")
  const session = agent.sessions.find((s) => s.id === sessionId)
  if (session === undefined) {
    return v2Error(ctx, 404, "session_not_found", "Session with the specified ID does not exist")
  }
  return json(ctx, 200, sessionBody(agentId, session))
}

// Pydantic v2's error items, as FastAPI sends them.
const v1AgentIdInvalid = (agentId: string) => {
  if (agentId.length > v1AgentIdMaxLength) {
    return {
      type: "string_too_long",
      loc: ["path", "agent_id"],
      msg: `String should have at most ${v1AgentIdMaxLength} characters`,
      input: agentId,
      ctx: { max_length: v1AgentIdMaxLength }
    }
  }
  if (v1AgentIdForbidden.test(agentId)) {
    return {
      type: "string_pattern_mismatch",
      loc: ["path", "agent_id"],
      msg: "String should match pattern '^[^\\s\\x00-\\x1f\\x7f]+$'",
      input: agentId,
      ctx: { pattern: "^[^\\s\\x00-\\x1f\\x7f]+$" }
    }
  }
  return undefined
}

// ---------------------------------------------------------------------------
// faults
// ---------------------------------------------------------------------------

const placeholderSession: FixtureSession = {
  id: "ase_emulator_placeholder",
  description: "Emulator placeholder session",
  metadata: {},
  enabled: true,
  created_at: "2024-01-01T00:00:00Z"
}

// The route's success JSON: the real one when the request would succeed, else a
// plausible one (say, for an unknown agent), for faults that mangle a success.
const successText = (fixture: Fixture, listShape: ListShape, ctx: Context, wouldSucceed: boolean): string => {
  const { target } = ctx
  const agentId = target.agentId ?? ""
  const agent = wouldSucceed ? findAgent(fixture, agentId) : undefined
  switch (target.route) {
    case "list":
      return JSON.stringify(listBody(listShape, agent?.sessions ?? [placeholderSession]))
    case "get": {
      const session = agent?.sessions.find((s) => s.id === target.sessionId) ??
        { ...placeholderSession, id: target.sessionId ?? "" }
      return JSON.stringify(sessionBody(agentId, session))
    }
    case "unknown":
      return JSON.stringify({ detail: "Not Found" })
  }
}

const wrongShapeBody = (route: Route): unknown => {
  switch (route) {
    case "list":
      // Neither documented `{sessions: string[]}` nor a live array of objects.
      return { sessions: [1, 2, 3], next: null }
    case "get":
      return { id: 42, agent_id: null, enabled: "yes", metadata: [] }
    case "unknown":
      return { unexpected: true }
  }
}

const chunkSize = 64 * 1024

// Exactly `bytes` bytes of JSON (`{"padding":"xxx..."}`), generated lazily so a
// client that stops reading stops the generation.
const hugeStream = (bytes: number): ReadableStream<Uint8Array> => {
  const prefix = encoder.encode(`{"padding":"`)
  const suffix = encoder.encode(`"}`)
  const framed = bytes >= prefix.length + suffix.length
  const byteAt = (i: number): number => {
    if (!framed) return 0x20
    if (i < prefix.length) return prefix[i]!
    if (i >= bytes - suffix.length) return suffix[i - (bytes - suffix.length)]!
    return 0x78 // "x"
  }
  let sent = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) {
        controller.close()
        return
      }
      const n = Math.min(chunkSize, bytes - sent)
      const chunk = new Uint8Array(n).fill(0x78)
      // Only the first and last chunks hold anything but "x".
      if (sent < prefix.length || sent + n > bytes - suffix.length) {
        for (let i = 0; i < n; i++) chunk[i] = byteAt(sent + i)
      }
      sent += n
      controller.enqueue(chunk)
    }
  }, { highWaterMark: 0 })
}

// Half the body, then an error: what a connection dropped mid-body looks like
// to a reader.
const brokenStream = (firstHalf: Uint8Array): ReadableStream<Uint8Array> => {
  let step = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (step++ === 0 && firstHalf.byteLength > 0) controller.enqueue(firstHalf)
      else controller.error(new TypeError("emulator: connection reset mid-body"))
    }
  }, { highWaterMark: 0 })
}

const gatewayPage = (status: 502 | 503 | 504): string => {
  const text = { 502: "Bad Gateway", 503: "Service Temporarily Unavailable", 504: "Gateway Time-out" }[status]
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n</body>\r\n</html>\r\n`
}

const halve = (text: string): string => {
  const bytes = encoder.encode(text)
  // Cutting an object or array short always leaves it unterminated.
  return new TextDecoder().decode(bytes.subarray(0, Math.max(1, Math.floor(bytes.byteLength / 2))))
}

const applyFault = (
  fault: Fault,
  ctx: Context,
  normal: () => Response,
  success: () => string
): Outcome => {
  const now = (response: Response): Outcome => ({ _tag: "Respond", response, delayMs: 0 })
  switch (fault.type) {
    case "latency":
      return { _tag: "Respond", response: normal(), delayMs: fault.ms }
    case "status": {
      const headers: Record<string, string> = {}
      let body: string | null = null
      if (typeof fault.body === "string") {
        body = fault.body
        headers["content-type"] = "text/plain; charset=utf-8"
      } else if (fault.body !== undefined) {
        body = JSON.stringify(fault.body)
        headers["content-type"] = "application/json"
      }
      // Statuses that cannot carry a body (204, 205, 304) get none.
      if ([204, 205, 304].includes(fault.status)) body = null
      return now(respond(ctx, fault.status, body, { ...headers, ...fault.headers }))
    }
    case "rateLimit": {
      const headers: Record<string, string> = {}
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter
      if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = fault.retryAfterMs
      return now(routeError(ctx, 429, "rate_limit_exceeded", "Request rate limit exceeded", headers))
    }
    case "serverError": {
      const status = fault.status ?? 500
      if (status === 500) return now(routeError(ctx, 500, "internal_error", "Internal Server Error"))
      return now(respond(ctx, status, gatewayPage(status), { "content-type": "text/html" }))
    }
    case "malformed":
      return now(respond(ctx, 200, "<!DOCTYPE html><html><body>Lyzr Studio</body></html>", {
        "content-type": "application/json"
      }))
    case "truncated":
      return now(respond(ctx, 200, halve(success()), { "content-type": "application/json" }))
    case "wrongShape":
      return now(json(ctx, 200, wrongShapeBody(ctx.target.route)))
    case "hugeBody":
      return now(respond(ctx, 200, hugeStream(fault.bytes), { "content-type": "application/json" }))
    case "redirect":
      return now(respond(ctx, fault.status ?? 302, null, { location: fault.location }))
    case "reset":
      if (fault.when === "midBody") {
        const full = encoder.encode(success())
        return now(respond(ctx, 200, brokenStream(full.subarray(0, Math.floor(full.byteLength / 2))), {
          "content-type": "application/json"
        }))
      }
      return { _tag: "Reset" }
    case "hang":
      return { _tag: "Hang" }
  }
}

// ---------------------------------------------------------------------------
// the emulator
// ---------------------------------------------------------------------------

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0")

const abortReason = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException("The operation was aborted.", "AbortError")

/** How many requests the log keeps unless told otherwise. @internal */
export const defaultRequestLogSize = 1000

/** @internal */
export const make = (options: Options = {}): Emulator => {
  const fixture = parseFixture(options.fixture ?? defaultFixture())
  const listShape: ListShape = options.listShape ?? "documented"
  if (listShape !== "documented" && listShape !== "live") {
    throw new RangeError(`Invalid listShape ${JSON.stringify(listShape)}: expected "documented" or "live"`)
  }
  const seed = options.seed ?? 1
  const initialRules = (options.faults ?? []).map(validateRule)
  const logSize = options.requestLogSize ?? defaultRequestLogSize
  if (!(Number.isSafeInteger(logSize) && logSize >= 0)) {
    throw new RangeError(`Invalid requestLogSize ${String(logSize)}: expected an integer >= 0`)
  }

  let random = mulberry32(seed)
  let counter = 0
  let rules: Array<ArmedRule> = []
  // The request log: a ring buffer of at most `logSize` entries. Until it is full, entries are
  // appended; then each new entry overwrites the oldest, at `oldest`.
  let log: Array<LoggedRequest> = []
  let oldest = 0
  const record = (entry: LoggedRequest): void => {
    if (logSize === 0) return
    if (log.length < logSize) {
      log.push(entry)
      return
    }
    log[oldest] = entry
    oldest = (oldest + 1) % logSize
  }
  const snapshot = (): ReadonlyArray<LoggedRequest> =>
    oldest === 0 ? log.slice() : [...log.slice(oldest), ...log.slice(0, oldest)]

  const arm = (rule: FaultRule): void => {
    rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY })
  }
  initialRules.forEach(arm)

  const dispatch = (request: Request): Outcome => {
    counter += 1
    const requestId = `req_${hex8(seed)}_${hex8(counter)}`
    const url = new URL(request.url)
    const target = route(url.pathname)
    const apiKey = request.headers.get("x-api-key") ?? undefined
    const ctx: Context = { method: request.method.toUpperCase(), target, apiKey, requestId }
    const normal = () => serve(fixture, listShape, ctx)
    const fault = pick(rules, target, random)
    let outcome: Outcome
    if (fault === undefined) {
      outcome = { _tag: "Respond", response: normal(), delayMs: 0 }
    } else {
      outcome = applyFault(fault, ctx, normal, () => successText(fixture, listShape, ctx, normal().status === 200))
    }
    const entry: {
      -readonly [K in keyof LoggedRequest]: LoggedRequest[K]
    } = {
      method: ctx.method,
      url: request.url,
      path: url.pathname,
      route: target.route,
      keyFingerprint: apiKey === undefined ? undefined : fingerprint(apiKey),
      status: outcome._tag === "Respond" ? outcome.response.status : 0,
      requestId,
      at: Date.now()
    }
    if (target.agentId !== undefined) entry.agentId = target.agentId
    if (target.sessionId !== undefined) entry.sessionId = target.sessionId
    if (fault !== undefined) entry.fault = fault.type
    record(entry)
    return outcome
  }

  const reset = (): void => {
    log = []
    oldest = 0
    rules = []
    counter = 0
    random = mulberry32(seed)
  }
  const inject = (rule: FaultRule): void => arm(validateRule(rule))
  const clearFaults = (): void => {
    rules = []
  }
  const control = makeControl(options.control, { inject, clearFaults, requests: snapshot, reset })

  const handler = (request: Request): Promise<Response> => {
    let outcome: Outcome
    try {
      const answered = control(request)
      if (answered !== undefined) return answered
      outcome = dispatch(request)
    } catch (cause) {
      return Promise.reject(cause)
    }
    const signal = request.signal
    switch (outcome._tag) {
      case "Reset":
        return Promise.reject(new TypeError("fetch failed", { cause: new Error("emulator: connection reset") }))
      case "Hang":
        return new Promise((_, reject) => {
          if (signal.aborted) return reject(abortReason(signal))
          signal.addEventListener("abort", () => reject(abortReason(signal)), { once: true })
        })
      case "Respond": {
        const { response, delayMs } = outcome
        if (delayMs <= 0) return Promise.resolve(response)
        return new Promise((resolve, reject) => {
          if (signal.aborted) return reject(abortReason(signal))
          const onAbort = () => {
            clearTimeout(timer)
            reject(abortReason(signal))
          }
          const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort)
            resolve(response)
          }, delayMs)
          signal.addEventListener("abort", onAbort, { once: true })
        })
      }
    }
  }

  return {
    handler,
    dispatch,
    control,
    inject,
    clearFaults,
    get requests() {
      return snapshot()
    },
    reset,
    listShape
  }
}
