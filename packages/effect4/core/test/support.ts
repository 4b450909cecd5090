/**
 * An in-process `HttpClient` (Effect 4's `HttpClient.make`) over a `Request → Response` function, with a log
 * of what was sent and of the fiber context each request saw. For fast tests of the service's own wiring;
 * the adapters' tests go over real sockets, and the behaviour suite shared by both lines lives elsewhere.
 */
import { Cause, Context, Effect, Exit, Layer, Logger, Option, References, Tracer } from "effect"
import { FetchHttpClient, HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
import { AgentSessions, type AgentSessionsOptions, type AgentSessionsService, Transport } from "../src/index.ts"

export interface Sent {
  readonly method: string
  readonly url: URL
  readonly headers: Headers
  /** The `redirect` of the `FetchHttpClient.RequestInit` in the fiber's context when the request was made. */
  readonly redirect: RequestRedirect | undefined
  /** The `Transport.CurrentAttempt` in the fiber's context, if any. */
  readonly attempt: Transport.Attempt | undefined
  /** Whether the platform's client span was turned off for this request. */
  readonly tracerDisabled: boolean
}

/** Answers a request; `attempt` counts the requests sent so far (1 for the first). Throwing is a transport failure. */
export type Handler = (request: Request, attempt: number) => Response | Promise<Response>

/**
 * `honours`: the client passes `Transport.CurrentAttempt`'s signal on to the request (and the layer provides
 * `Transport.HonoursAttempt`), as the adapters' clients do.
 */
export const fakeServer = (handler: Handler, options: { readonly honours?: boolean } = {}) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url, signal, fiber) => {
    const init = Context.getOrUndefined(fiber.context, FetchHttpClient.RequestInit)
    const attempt = Context.getOrUndefined(fiber.context, Transport.CurrentAttempt)
    const webRequest = new Request(url, {
      method: request.method,
      headers: request.headers,
      signal: options.honours === true && attempt !== undefined ? AbortSignal.any([signal, attempt.signal]) : signal
    })
    sent.push({
      method: request.method,
      url,
      headers: webRequest.headers,
      redirect: init?.redirect,
      attempt,
      tracerDisabled: fiber.getRef(HttpClient.TracerDisabledWhen)(request)
    })
    return Effect.tryPromise({
      try: async () => handler(webRequest, sent.length),
      catch: (cause) =>
        new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
    }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
  })
  const layer = Layer.succeed(HttpClient.HttpClient, client)
  return {
    sent,
    client,
    layer: options.honours === true ? Layer.merge(layer, Layer.succeed(Transport.HonoursAttempt, true)) : layer
  }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

/**
 * A response with any status 100–599 and any body: `Response` itself refuses 1xx and a body on 204/304,
 * so the status is set on the instance (the service reads only `status`, headers and body).
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

export const agent = "agt_customer_support"
export const session = "ase_customer_support_001"

/** The service over a fake server, with test-friendly defaults (no retries unless asked). */
export const sessionsWith = (handler: Handler, options: Partial<AgentSessionsOptions> = {}) => {
  const server = fakeServer(handler)
  const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0, ...options }).pipe(Layer.provide(server.layer))
  return { ...server, layer }
}

/** Runs `f` on the service built by `sessionsWith(handler, options)`; gives the exit and what was sent. */
export const run = <A, E>(
  handler: Handler,
  f: (sessions: AgentSessionsService) => Effect.Effect<A, E>,
  options: Partial<AgentSessionsOptions> = {}
) => {
  const server = sessionsWith(handler, options)
  return Effect.flatMap(AgentSessions, f).pipe(
    Effect.provide(Layer.orDie(server.layer)),
    Effect.exit,
    Effect.map((exit) => ({ exit, sent: server.sent }))
  )
}

/**
 * Starts a call in a fiber (for `TestClock` tests: fork, adjust, join) on a service with the library's
 * own defaults — unlike `sessionsWith`, retries are on unless `options` turn them off.
 */
export const start = <A, E>(
  handler: Handler,
  f: (sessions: AgentSessionsService) => Effect.Effect<A, E>,
  options: Partial<AgentSessionsOptions> = {}
) =>
  Effect.gen(function*() {
    const server = fakeServer(handler)
    const layer = AgentSessions.layer({ apiKey: testKey, ...options }).pipe(Layer.provide(server.layer), Layer.orDie)
    const fiber = yield* Effect.forkChild(Effect.exit(Effect.flatMap(AgentSessions, f).pipe(Effect.provide(layer))))
    return { fiber, sent: server.sent }
  })

/** The typed failure of an exit; fails the test on success or on a defect. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const failure = Cause.findErrorOption(exit.cause)
  if (Option.isNone(failure)) throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** The session example of seed 004, verbatim. */
export const seedSessionText = `{
  "id": "ase_customer_support_001",
  "agent_id": "agt_customer_support",
  "description": "Customer support session for billing inquiry regarding account charges and payment processing issues",
  "metadata": {
    "customer_id": "customer_12345",
    "priority": "high",
    "interaction_count": 8,
    "last_interaction": "2024-01-15T14:22:30Z"
  },
  "enabled": true,
  "created_at": "2024-01-15T10:30:00Z"
}`

export const seedSession: Record<string, unknown> = JSON.parse(seedSessionText)

/** A logger that keeps every message (with annotations) as text, at every level. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    const parts = [logLevel, ...(Array.isArray(message) ? message : [message]).map(String)]
    for (const [key, value] of Object.entries(fiber.getRef(References.CurrentLogAnnotations))) {
      parts.push(`${key}=${String(value)}`)
    }
    if (cause.reasons.length > 0) parts.push(Cause.pretty(cause))
    lines.push(parts.join(" "))
  })
  const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "All")
    )
  return { lines, withLogs }
}

/** A tracer that keeps every span it starts (pass it to `Effect.withTracer`). */
export const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

/** Whether a cause holds a defect anywhere (typed failures and interruptions are fine). */
export const hasDefect = (cause: Cause.Cause<unknown>): boolean => cause.reasons.some(Cause.isDieReason)
