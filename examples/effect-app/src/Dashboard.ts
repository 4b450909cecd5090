/**
 * The dashboard's domain service, composed on `AgentSessions` through a layer. It knows nothing of
 * HTTP or of which runtime provides `AgentSessions` (Node's pool, the emulator in tests).
 */
import { type AgentSession, AgentSessions, type AgentSessionsError, SessionStream } from "@lyzr-effect/core"
import { Context, DateTime, Duration, Effect, Layer, Stream } from "effect"
import {
  BadGateway,
  BadRequest,
  NotFound,
  ServiceUnavailable,
  SessionRow,
  SessionsSummary,
  TooManyRequests,
  UnreadableSession
} from "./Api.ts"

export type ApiError = BadRequest | NotFound | TooManyRequests | BadGateway | ServiceUnavailable

/** Every SDK error, mapped to what the dashboard's callers see. Exhaustive: a new SDK error fails to compile here. */
export const toApiError = (error: AgentSessionsError): ApiError => {
  switch (error._tag) {
    case "InvalidRequest":
    case "ValidationError":
      return new BadRequest({ message: error.message })
    case "AgentNotFound":
    case "SessionNotFound":
      return new NotFound({ message: error.message })
    case "RateLimitExceeded":
      return new TooManyRequests({
        message: "Lyzr's rate limit was reached; try again later",
        ...(error.retryAfter === undefined
          ? {}
          : { retryAfterSeconds: Math.ceil(Duration.toSeconds(error.retryAfter)) })
      })
    case "Unauthorized":
    case "Forbidden":
      // The caller did nothing wrong: it is the dashboard's key. Do not tell the world which.
      return new BadGateway({ message: "the sessions service refused the dashboard's credentials" })
    case "UnexpectedResponse":
    case "ResponseDecodeError":
      return new BadGateway({ message: "the sessions service answered something unexpected" })
    case "ServerError":
    case "TransportError":
    case "RequestTimeout":
      return new ServiceUnavailable({ message: "the sessions service is unavailable; try again later" })
  }
}

/** Logs the SDK error (with its request id, for Lyzr support) and maps it. */
const mapped = <A>(effect: Effect.Effect<A, AgentSessionsError>): Effect.Effect<A, ApiError> =>
  effect.pipe(
    Effect.tapError((error) =>
      Effect.logWarning(`sessions service: ${error._tag}: ${error.message}`).pipe(
        Effect.annotateLogs({ status: error.status ?? "none", requestId: error.requestId ?? "none" })
      )
    ),
    Effect.mapError(toApiError)
  )

const row = (session: AgentSession) =>
  new SessionRow({
    id: session.id,
    enabled: session.enabled,
    created_at: DateTime.formatIso(session.created_at),
    ...(session.description === undefined ? {} : { description: session.description })
  })

export class Dashboard extends Context.Tag("example/Dashboard")<Dashboard, {
  readonly summary: (agentId: string) => Effect.Effect<SessionsSummary, ApiError>
  readonly session: (agentId: string, sessionId: string) => Effect.Effect<AgentSession, ApiError>
}>() {
  /**
   * Requires `AgentSessions`. Sessions are cached for `cacheTtl` (default 10 s) across requests,
   * so a dashboard refreshed by many people costs one `get` per session per TTL, plus the list.
   */
  static readonly layer = (options: { readonly cacheTtl?: Duration.DurationInput } = {}) =>
    Layer.effect(
      Dashboard,
      Effect.gen(function*() {
        const sessions = yield* AgentSessions
        const cache = yield* SessionStream.makeCache({ timeToLive: options.cacheTtl ?? "10 seconds" })
        return {
          summary: (agentId) =>
            SessionStream.streamAll(agentId, { concurrency: 8, cache }).pipe(
              Stream.runCollect,
              Effect.map((results) => {
                const read: Array<AgentSession> = []
                const unreadable: Array<UnreadableSession> = []
                for (const result of results) {
                  if (result._tag === "Fetched") read.push(result.session)
                  else {unreadable.push(
                      new UnreadableSession({ sessionId: result.sessionId, reason: result.error._tag })
                    )}
                }
                const enabled = read.filter((s) => s.enabled).length
                return new SessionsSummary({
                  agentId,
                  total: results.length,
                  enabled,
                  disabled: read.length - enabled,
                  sessions: read.map(row),
                  unreadable
                })
              }),
              Effect.provideService(AgentSessions, sessions),
              mapped,
              Effect.withSpan("Dashboard.summary", { attributes: { "dashboard.agent_id": agentId } })
            ),
          session: (agentId, sessionId) =>
            sessions.get(agentId, sessionId).pipe(
              mapped,
              Effect.withSpan("Dashboard.session", {
                attributes: { "dashboard.agent_id": agentId, "dashboard.session_id": sessionId }
              })
            )
        }
      })
    )
}
