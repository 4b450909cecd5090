/**
 * An in-process `HttpClient` over a `Request → Response` function, with a log of what was sent.
 * For fast unit tests of core's own logic; the adapters' tests go over real sockets.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Cause, Chunk, Effect, Exit, Layer, Logger, LogLevel, Option, Tracer } from "effect"
import type { Context } from "effect"
import { AgentSessions, type AgentSessionsOptions } from "../src/index.ts"

export interface Sent {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  /** The `redirect` of the `FetchHttpClient.RequestInit` in context when the request was made. */
  readonly redirect: RequestRedirect | undefined
}

/** Answers a request; `attempt` counts the requests sent so far (1 for the first). Throwing is a transport failure. */
export type Handler = (request: Request, attempt: number) => Response | Promise<Response>

export const fakeServer = (handler: Handler) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url, signal, fiber) => {
    const init = fiber.currentContext.unsafeMap.get("@effect/platform/FetchHttpClient/FetchOptions") as
      | RequestInit
      | undefined
    const webRequest = new Request(url, { method: request.method, headers: request.headers, signal })
    sent.push({ method: request.method, url, headers: webRequest.headers, redirect: init?.redirect })
    return Effect.tryPromise({
      try: async () => handler(webRequest, sent.length),
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
  })
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/**
 * A response with any status 100–599 and any body: `Response` itself refuses 1xx and a body on 204/304,
 * so the status is set on the instance (core reads only `status`, headers and body).
 */
export const text = (status: number, body: string | Uint8Array, headers: Record<string, string> = {}) => {
  const response = new Response(body as BodyInit, { status: 200, headers })
  Object.defineProperty(response, "status", { value: status })
  return response
}

/** A response that never comes (the attempt can only end by timeout or interruption). */
export const never = (): Promise<Response> => new Promise<Response>(() => {})

/** A distinctive key, so that any leak of it is found by a plain substring search. */
export const testKey = "sk-test-LEAKCANARY-7f3a9c2e51d04b86"

/** The default base URL (production). */
export const baseUrl = "https://agent-prod.studio.lyzr.ai"

/** The service over a fake server, with test-friendly defaults (no retries unless asked). */
export const sessionsWith = (handler: Handler, options: Partial<AgentSessionsOptions> = {}) => {
  const server = fakeServer(handler)
  const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0, ...options }).pipe(Layer.provide(server.layer))
  return { ...server, layer }
}

/** Runs `f` on the service built by `sessionsWith(handler, options)`; gives the result and what was sent. */
export const run = <A, E>(
  handler: Handler,
  f: (sessions: AgentSessions["Type"]) => Effect.Effect<A, E>,
  options: Partial<AgentSessionsOptions> = {}
) => {
  const server = sessionsWith(handler, options)
  return Effect.flatMap(AgentSessions, f).pipe(
    Effect.provide(Layer.orDie(server.layer)),
    Effect.exit,
    Effect.map((exit) => ({ exit, sent: server.sent }))
  )
}

/** The typed failure of an exit; fails the test on success or on a defect. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** The session example of seed 004 (`GET /v2/agents/agt_customer_support/sessions/ase_customer_support_001`), verbatim. */
export const seedSessionText = `{
  "id": "ase_customer_support_001",
  "agent_id": "agt_customer_support",
  "description": "Customer support session for billing inquiry regarding account charges and payment processing issues",
  "metadata": {
    "customer_id": "customer_12345",
    "customer_email": "customer@example.com",
    "customer_name": "John Smith",
    "priority": "high",
    "channel": "web_chat",
    "issue_category": "billing",
    "sub_category": "payment_processing",
    "assigned_rep": "rep_sarah_001",
    "session_context": "premium_customer",
    "account_type": "enterprise",
    "interaction_count": 8,
    "last_interaction": "2024-01-15T14:22:30Z",
    "resolution_status": "in_progress",
    "escalation_level": "tier_1"
  },
  "enabled": true,
  "created_at": "2024-01-15T10:30:00Z"
}`

export const seedSession: Record<string, unknown> = JSON.parse(seedSessionText)

/** Every `_tag` the service can fail with. */
export const errorTags = [
  "InvalidRequest",
  "Unauthorized",
  "Forbidden",
  "AgentNotFound",
  "SessionNotFound",
  "ValidationError",
  "RateLimitExceeded",
  "ServerError",
  "UnexpectedResponse",
  "ResponseDecodeError",
  "TransportError",
  "RequestTimeout"
] as const

/** A logger that keeps every message (with annotations) as text, at every level. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    const parts = [logLevel.label, ...(Array.isArray(message) ? message : [message]).map(String)]
    for (const [key, value] of annotations) parts.push(`${key}=${String(value)}`)
    if (!Cause.isEmpty(cause)) parts.push(Cause.pretty(cause))
    lines.push(parts.join(" "))
  })
  const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)), Logger.withMinimumLogLevel(LogLevel.All))
  return { lines, withLogs }
}

export interface RecordedSpan {
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  readonly events: Array<[string, Record<string, unknown>]>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** A tracer that records every span it is asked for (pass it to `Effect.withTracer`). */
export const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let next = 0
  const tracer = Tracer.make({
    span: (name, parent, context: Context.Context<never>, links, startTime, kind) => {
      const record: RecordedSpan = { name, kind, attributes: new Map(), events: [], exit: undefined }
      spans.push(record)
      const spanId = `span${++next}`
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: parent._tag === "Some" ? parent.value.traceId : `trace${spanId}`,
        parent,
        context,
        get status() {
          return status
        },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
          record.exit = exit
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (eventName, _startTime, attributes) => {
          record.events.push([eventName, attributes ?? {}])
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/** Whether a cause holds a defect anywhere (typed failures and interruptions are fine). */
export const hasDefect = (cause: Cause.Cause<unknown>): boolean => Chunk.isNonEmpty(Cause.defects(cause))

/**
 * Starts a call in a fiber (for `TestClock` tests: fork, adjust, join) on a service with the library's
 * own defaults — unlike `sessionsWith`, retries are on unless `options` turn them off.
 */
export const start = <A, E>(
  handler: Handler,
  f: (sessions: AgentSessions["Type"]) => Effect.Effect<A, E>,
  options: Partial<AgentSessionsOptions> = {}
) =>
  Effect.gen(function*() {
    const server = fakeServer(handler)
    const layer = AgentSessions.layer({ apiKey: testKey, ...options }).pipe(Layer.provide(server.layer), Layer.orDie)
    const fiber = yield* Effect.fork(Effect.exit(Effect.flatMap(AgentSessions, f).pipe(Effect.provide(layer))))
    return { fiber, sent: server.sent }
  })
