/**
 * The one place where a wire error record becomes an Effect 3 error class.
 */
import type { ErrorRecord } from "@lyzr-effect/wire"
import * as Duration from "effect/Duration"
import * as Errors from "../AgentSessionsError.ts"

const millis = (value: number | undefined) => (value === undefined ? undefined : Duration.millis(value))

/** The tagged error for a (finished, redacted) record. */
export const fromRecord = (record: ErrorRecord.ErrorRecord): Errors.AgentSessionsError => {
  const fields = {
    message: record.message,
    status: record.status,
    code: record.code,
    requestId: record.requestId,
    body: record.excerpt,
    url: record.url
  }
  switch (record.tag) {
    case "InvalidRequest":
      return new Errors.InvalidRequest(fields)
    case "Unauthorized":
      return new Errors.Unauthorized(fields)
    case "Forbidden":
      return new Errors.Forbidden(fields)
    case "AgentNotFound":
      return new Errors.AgentNotFound(fields)
    case "SessionNotFound":
      return new Errors.SessionNotFound(fields)
    case "ValidationError":
      return new Errors.ValidationError({
        ...fields,
        detail: typeof record.detail === "string" || record.detail === undefined
          ? record.detail
          : record.detail.map((issue) => new Errors.ValidationIssue(issue))
      })
    case "RateLimitExceeded":
      return new Errors.RateLimitExceeded({ ...fields, retryAfter: millis(record.retryAfter) })
    case "ServerError":
      return new Errors.ServerError({ ...fields, retryAfter: millis(record.retryAfter) })
    case "UnexpectedResponse":
      return new Errors.UnexpectedResponse({
        ...fields,
        location: record.location,
        retryAfter: millis(record.retryAfter)
      })
    case "ResponseDecodeError":
      return new Errors.ResponseDecodeError(fields)
    case "TransportError":
      return new Errors.TransportError({ ...fields, cause: record.cause, transient: record.transient })
    case "RequestTimeout":
      return new Errors.RequestTimeout({ ...fields, timeout: Duration.millis(record.timeout ?? 0) })
  }
}
