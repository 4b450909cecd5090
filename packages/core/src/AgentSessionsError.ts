/**
 * The typed errors of the Agent Sessions API: one class per documented error code and per
 * failure mode, all in the union {@link AgentSessionsError}.
 *
 * Every error carries what a person debugging needs — the HTTP status, the documented code, the
 * message from the body, the request id header and a bounded excerpt of the body — and never the
 * API key: errors are built from the response, never from the request's headers.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"

/**
 * The fields every error that came back from the service carries.
 *
 * @since 0.1.0
 * @category models
 */
export const ResponseFields = {
  /** A human-readable summary: the body's message where it has one. */
  message: Schema.String,
  /** The HTTP status, absent when no response was received. */
  status: Schema.optional(Schema.Number),
  /** The documented error code (`session_not_found`, ...) when the body names one. */
  code: Schema.optional(Schema.String),
  /** The `x-request-id` (or `request-id`, `cf-ray`) response header, for support tickets. */
  requestId: Schema.optional(Schema.String),
  /** The first KiB of the response body. */
  body: Schema.optional(Schema.String),
  /** The URL that was requested (it never holds the key, which travels in a header). */
  url: Schema.optional(Schema.String)
}

/**
 * One entry of a FastAPI validation error's `detail` list.
 *
 * @since 0.1.0
 * @category models
 */
export class ValidationIssue extends Schema.Class<ValidationIssue>("ValidationIssue")({
  loc: Schema.Array(Schema.Union(Schema.String, Schema.Number)),
  msg: Schema.String,
  type: Schema.String
}) {}

/**
 * 400 `invalid_request`, or an ID rejected before any request was sent (then `status` is absent).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", ResponseFields) {}

/**
 * 401 `unauthorized`: the API key is missing or not valid.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", ResponseFields) {}

/**
 * 403 `forbidden`: the key may not read this agent or session.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", ResponseFields) {}

/**
 * 404 `agent_not_found` (and any 404 of `list`).
 *
 * @since 0.1.0
 * @category errors
 */
export class AgentNotFound extends Schema.TaggedError<AgentNotFound>()("AgentNotFound", ResponseFields) {}

/**
 * 404 `session_not_found` (and a 404 of `get` whose body names no code).
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", ResponseFields) {}

/**
 * 422: FastAPI rejected the request; `detail` keeps the service's list of issues (or its text).
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  ...ResponseFields,
  detail: Schema.optional(Schema.Union(Schema.String, Schema.Array(ValidationIssue)))
}) {}

/**
 * 429 `rate_limit_exceeded` (Lyzr also answers 429 when credits are exhausted). `retryAfter` is the
 * wait the service asked for (`retry-after-ms` or `Retry-After`), when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  ...ResponseFields,
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}

/**
 * A 5xx answer. 500, 502, 503 and 504 are retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...ResponseFields,
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}

/**
 * Any other status (408 and 409 are retried), a redirect that was not followed (to another origin,
 * without `Location`, or too many), or a response body over the size cap.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  ...ResponseFields,
  location: Schema.optional(Schema.String),
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}

/**
 * A 2xx response whose body is not JSON or not the documented shape.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>()(
  "ResponseDecodeError",
  ResponseFields
) {}

/**
 * The connection failed: refused, reset, DNS, TLS, or the body stream broke mid-way.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  ...ResponseFields,
  /** The underlying error, as text (`TypeError: fetch failed (ECONNRESET)`). */
  cause: Schema.optional(Schema.String)
}) {}

/**
 * One attempt took longer than the configured timeout (the timeout is per attempt).
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  ...ResponseFields,
  timeout: Schema.DurationFromSelf
}) {}

/**
 * Every error `AgentSessions` can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type AgentSessionsError =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | AgentNotFound
  | SessionNotFound
  | ValidationError
  | RateLimitExceeded
  | ServerError
  | UnexpectedResponse
  | ResponseDecodeError
  | TransportError
  | RequestTimeout

/**
 * The schema of {@link AgentSessionsError}, e.g. to send errors over the wire or to property-test.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AgentSessionsError: Schema.Union<[
  typeof InvalidRequest,
  typeof Unauthorized,
  typeof Forbidden,
  typeof AgentNotFound,
  typeof SessionNotFound,
  typeof ValidationError,
  typeof RateLimitExceeded,
  typeof ServerError,
  typeof UnexpectedResponse,
  typeof ResponseDecodeError,
  typeof TransportError,
  typeof RequestTimeout
]> = Schema.Union(
  InvalidRequest,
  Unauthorized,
  Forbidden,
  AgentNotFound,
  SessionNotFound,
  ValidationError,
  RateLimitExceeded,
  ServerError,
  UnexpectedResponse,
  ResponseDecodeError,
  TransportError,
  RequestTimeout
)

/**
 * The errors of `list`: every error but `SessionNotFound`.
 *
 * @since 0.1.0
 * @category errors
 */
export type ListError = Exclude<AgentSessionsError, SessionNotFound>

/**
 * The errors of `get`.
 *
 * @since 0.1.0
 * @category errors
 */
export type GetError = AgentSessionsError

/**
 * The `_tag` of every error, for exhaustive handling and docs.
 *
 * @since 0.1.0
 * @category models
 */
export type AgentSessionsErrorTag = AgentSessionsError["_tag"]
