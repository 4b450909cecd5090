/**
 * The dashboard's own HTTP API, declared once with `HttpApi`: the server implements it
 * (`Server.ts`) and `HttpApiClient.make(DashboardApi)` derives a typed client from it (the tests).
 *
 * Its errors are its own, named for what the dashboard's callers can do about them; SDK errors
 * are mapped to them in one place (`Dashboard.toApiError`).
 */
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { AgentSession } from "@lyzr-effect/core"
import { Schema } from "effect"

/** One row of the summary: what a dashboard table shows. */
export class SessionRow extends Schema.Class<SessionRow>("SessionRow")({
  id: Schema.String,
  description: Schema.optional(Schema.String),
  enabled: Schema.Boolean,
  created_at: Schema.String
}) {}

/** A session the summary could not read, and why (the SDK error's tag). */
export class UnreadableSession extends Schema.Class<UnreadableSession>("UnreadableSession")({
  sessionId: Schema.String,
  reason: Schema.String
}) {}

export class SessionsSummary extends Schema.Class<SessionsSummary>("SessionsSummary")({
  agentId: Schema.String,
  total: Schema.Number,
  enabled: Schema.Number,
  disabled: Schema.Number,
  sessions: Schema.Array(SessionRow),
  unreadable: Schema.Array(UnreadableSession)
}) {}

/** 400: the agent or session ID is not one the API accepts. */
export class BadRequest extends Schema.TaggedError<BadRequest>()(
  "BadRequest",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 404: no such agent or session. */
export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 429: Lyzr asked us to slow down; `retryAfterSeconds` when it said for how long. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  { message: Schema.String, retryAfterSeconds: Schema.optional(Schema.Number) },
  HttpApiSchema.annotations({ status: 429 })
) {}

/** 502: Lyzr refused the dashboard's credentials or answered something unusable: our problem, not the caller's. */
export class BadGateway extends Schema.TaggedError<BadGateway>()(
  "BadGateway",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 502 })
) {}

/** 503: Lyzr is down, unreachable or too slow (after the SDK's retries). */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()(
  "ServiceUnavailable",
  { message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}

const agentId = HttpApiSchema.param("agentId", Schema.String)
const sessionId = HttpApiSchema.param("sessionId", Schema.String)

export class SessionsGroup extends HttpApiGroup.make("sessions")
  .add(
    HttpApiEndpoint.get("summary")`/agents/${agentId}/sessions`
      .addSuccess(SessionsSummary)
      .addError(BadRequest)
      .addError(NotFound)
      .addError(TooManyRequests)
      .addError(BadGateway)
      .addError(ServiceUnavailable)
  )
  .add(
    HttpApiEndpoint.get("session")`/agents/${agentId}/sessions/${sessionId}`
      .addSuccess(AgentSession)
      .addError(BadRequest)
      .addError(NotFound)
      .addError(TooManyRequests)
      .addError(BadGateway)
      .addError(ServiceUnavailable)
  )
{}

export class DashboardApi extends HttpApi.make("dashboard").add(SessionsGroup) {}
