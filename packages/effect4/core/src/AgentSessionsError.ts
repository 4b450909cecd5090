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
import * as Schema from "effect/Schema"

/**
 * The fields every error that came back from the service carries.
 *
 * @example
 * ```ts
 * import { AgentSessions, ResponseFields } from "@lyzr-effect/effect4-core"
 * import { Effect, Schema } from "effect"
 *
 * // every error that came back from the service has these fields; log them for a support ticket
 * const AboutError = Schema.Struct(ResponseFields)
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.tapError((error) => Effect.logError("Lyzr call failed", Schema.encodeSync(AboutError)(error)))
 * )
 * ```
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
 * @example
 * ```ts
 * import { AgentSessions, ValidationIssue } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.catchTag("ValidationError", (error) =>
 *     Effect.log(
 *       Array.isArray(error.detail)
 *         ? error.detail.map((issue: ValidationIssue) => `${issue.loc.join(".")}: ${issue.msg}`).join("; ")
 *         : error.message
 *     ))
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class ValidationIssue extends Schema.Class<ValidationIssue>("ValidationIssue")({
  loc: Schema.Array(Schema.Union([Schema.String, Schema.Number])),
  msg: Schema.String,
  type: Schema.String
}) {}

/**
 * 400 `invalid_request`, or an ID rejected before any request was sent (then `status` is absent).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * // the ID was refused before any request was sent, or the service answered 400
 * const handled = program.pipe(Effect.catchTag("InvalidRequest", (error) => Effect.logWarning(error.message)))
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", ResponseFields) {}

/**
 * 401 `unauthorized`: the API key is missing or not valid.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("Unauthorized", () => Effect.die(new Error("LYZR_API_KEY is missing or not valid")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", ResponseFields) {}

/**
 * 403 `forbidden`: the key may not read this agent or session.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("Forbidden", (error) => Effect.logWarning(`the key may not read this agent (${error.requestId})`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", ResponseFields) {}

/**
 * 404 `agent_not_found` (and any 404 of `list`).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const ids = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_unknown")).pipe(
 *   Effect.catchTag("AgentNotFound", () => Effect.succeed([]))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class AgentNotFound extends Schema.TaggedError<AgentNotFound>()("AgentNotFound", ResponseFields) {}

/**
 * 404 `session_not_found` (and a 404 of `get` whose body names no code).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const maybeSession = program.pipe(
 *   Effect.asSome,
 *   Effect.catchTag("SessionNotFound", () => Effect.succeedNone)
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", ResponseFields) {}

/**
 * 422: FastAPI rejected the request; `detail` keeps the service's list of issues (or its text).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("ValidationError", (error) => Effect.logWarning("rejected by the service", error.detail))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>()("ValidationError", {
  ...ResponseFields,
  detail: Schema.optional(Schema.Union([Schema.String, Schema.Array(ValidationIssue)]))
}) {}

/**
 * 429 `rate_limit_exceeded` (Lyzr also answers 429 when credits are exhausted). `retryAfter` is the
 * wait the service asked for (`retry-after-ms` or `Retry-After`), when it sent one.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Duration, Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * // reached only once the retry policy gave up (or the wait asked for was over 60 s)
 * const handled = program.pipe(
 *   Effect.catchTag("RateLimitExceeded", (error) =>
 *     Effect.logWarning(`rate limited; try again in ${Duration.format(error.retryAfter ?? Duration.seconds(60))}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitExceeded extends Schema.TaggedError<RateLimitExceeded>()("RateLimitExceeded", {
  ...ResponseFields,
  retryAfter: Schema.optional(Schema.Duration)
}) {}

/**
 * A 5xx answer. 500, 502, 503 and 504 are retried.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * // 500, 502, 503 and 504 were already retried by the default policy
 * const handled = program.pipe(
 *   Effect.catchTag("ServerError", (error) => Effect.logError(`Lyzr answered ${error.status}`, error.requestId))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>()("ServerError", {
  ...ResponseFields,
  retryAfter: Schema.optional(Schema.Duration)
}) {}

/**
 * Any other status (408 and 409 are retried), a redirect that was not followed (to another origin,
 * without `Location`, or too many), or a response body over the size cap.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("UnexpectedResponse", (error) =>
 *     Effect.logError(`status ${error.status}`, error.location ?? error.body ?? ""))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>()("UnexpectedResponse", {
  ...ResponseFields,
  location: Schema.optional(Schema.String),
  retryAfter: Schema.optional(Schema.Duration)
}) {}

/**
 * A 2xx response whose body is not JSON or not the documented shape.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * // a 2xx whose body is not the documented shape: keep the excerpt for the bug report
 * const handled = program.pipe(
 *   Effect.catchTag("ResponseDecodeError", (error) => Effect.logError(error.message, error.body ?? ""))
 * )
 * ```
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
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("TransportError", (error) => Effect.logError("could not reach Lyzr", error.cause ?? ""))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>()("TransportError", {
  ...ResponseFields,
  /** The underlying error chain, as text (`TypeError: fetch failed <- Error: connect ECONNREFUSED 127.0.0.1:1`). */
  cause: Schema.optional(Schema.String),
  /** `false` when trying again cannot help (a runtime permission is missing, the request cannot be built). */
  transient: Schema.optional(Schema.Boolean)
}) {}

/**
 * One attempt took longer than the configured timeout (the timeout is per attempt).
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Duration, Effect } from "effect"
 *
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1"))
 *
 * const handled = program.pipe(
 *   Effect.catchTag("RequestTimeout", (error) => Effect.logWarning(`no answer within ${Duration.format(error.timeout)}`))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeout extends Schema.TaggedError<RequestTimeout>()("RequestTimeout", {
  ...ResponseFields,
  timeout: Schema.Duration
}) {}

/**
 * Every error `AgentSessions` can fail with.
 *
 * @example
 * ```ts
 * import { AgentSessionsError, SessionNotFound } from "@lyzr-effect/effect4-core"
 * import { Schema } from "effect"
 *
 * // errors are Schema classes: send them over the wire and get typed errors back
 * const toJson = Schema.encodeSync(Schema.fromJsonString(Schema.toCodecJson(AgentSessionsError)))
 * const fromJson = Schema.decodeSync(Schema.fromJsonString(Schema.toCodecJson(AgentSessionsError)))
 * const error: AgentSessionsError = fromJson(
 *   toJson(new SessionNotFound({ message: "gone", status: 404, code: "session_not_found" }))
 * )
 * ```
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
 * @example
 * ```ts
 * import { AgentSessionsError, SessionNotFound } from "@lyzr-effect/effect4-core"
 * import { Schema } from "effect"
 *
 * // is a value one of the SDK's errors?
 * const isSdkError = Schema.is(AgentSessionsError)
 * console.log(isSdkError(new SessionNotFound({ message: "gone", status: 404 }))) // true
 * console.log(isSdkError(new Error("other"))) // false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const AgentSessionsError: Schema.Union<
  readonly [
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
  ]
> = Schema.Union([
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
])

/**
 * The errors of `list`: every error but `SessionNotFound`.
 *
 * @example
 * ```ts
 * import { AgentSessions, type ListError } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const describe = (error: ListError): string => `${error._tag}: ${error.message}`
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.tapError((error) => Effect.logError(describe(error)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type ListError = Exclude<AgentSessionsError, SessionNotFound>

/**
 * The errors of `get`.
 *
 * @example
 * ```ts
 * import { AgentSessions, type GetError } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 *
 * const isGone = (error: GetError): boolean => error._tag === "SessionNotFound" || error._tag === "AgentNotFound"
 * const program = Effect.flatMap(AgentSessions, (sessions) => sessions.get("agt_customer_support", "ase_1")).pipe(
 *   Effect.catchIf(isGone, () => Effect.succeed(undefined))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type GetError = AgentSessionsError

/**
 * The `_tag` of every error, for exhaustive handling and docs.
 *
 * @example
 * ```ts
 * import type { AgentSessionsErrorTag } from "@lyzr-effect/effect4-core"
 *
 * // a Record over every tag: the compiler points at it when a new error is added
 * const httpStatus: Record<AgentSessionsErrorTag, number> = {
 *   InvalidRequest: 400,
 *   Unauthorized: 502,
 *   Forbidden: 502,
 *   AgentNotFound: 404,
 *   SessionNotFound: 404,
 *   ValidationError: 400,
 *   RateLimitExceeded: 429,
 *   ServerError: 502,
 *   UnexpectedResponse: 502,
 *   ResponseDecodeError: 502,
 *   TransportError: 502,
 *   RequestTimeout: 504
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AgentSessionsErrorTag = AgentSessionsError["_tag"]
