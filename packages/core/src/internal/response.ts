/**
 * From a response to a value or a tagged error: the body read under a size cap, error bodies read in
 * every shape the service (and services like it) use, and the server's requested wait.
 */
import type { HttpClientError, HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Stream } from "effect"
import * as Errors from "../AgentSessionsError.ts"

/** How much of a body an error keeps. */
export const excerptLength = 1024

export const excerpt = (text: string): string | undefined =>
  text.length === 0 ? undefined : text.length > excerptLength ? `${text.slice(0, excerptLength)}…` : text

export const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined =>
  headers["x-request-id"] ?? headers["request-id"] ?? headers["cf-ray"]

/** A message read from a body is cut like the excerpt: an error must stay printable. */
export const boundMessage = (message: string): string =>
  message.length > excerptLength ? `${message.slice(0, excerptLength)}…` : message

/** What every response-derived error shares. */
export interface ResponseContext {
  readonly status: number
  readonly requestId: string | undefined
  readonly url: string
}

const decoder = () => new TextDecoder("utf-8", { fatal: false })

/**
 * Reads the body as text, failing once it passes `maxBytes` instead of buffering it all. The fast path
 * (a declared length under the cap, no content coding) reads it in one go.
 */
export const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  maxBytes: number,
  context: ResponseContext
): Effect.Effect<string, Errors.UnexpectedResponse | HttpClientError.ResponseError> => {
  const declared = response.headers["content-length"]
  const length = declared === undefined ? Number.NaN : Number(declared)
  if (length > maxBytes) return Effect.fail(tooLarge(maxBytes, context, length))
  if (Number.isFinite(length) && response.headers["content-encoding"] === undefined) {
    return response.text
  }
  return Effect.suspend(() => {
    const text = decoder()
    let total = 0
    let out = ""
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        total += chunk.byteLength
        if (total > maxBytes) return Effect.fail(tooLarge(maxBytes, context, undefined))
        out += text.decode(chunk, { stream: true })
        return Effect.void
      }),
      Effect.map(() => out + text.decode()),
      // A null body (204, 304, a bare 3xx in-process) is an empty one, not a broken connection.
      Effect.catchIf(
        (error) => error._tag === "ResponseError" && error.reason === "EmptyBody",
        () => Effect.succeed("")
      )
    )
  })
}

const tooLarge = (maxBytes: number, context: ResponseContext, declared: number | undefined) =>
  new Errors.UnexpectedResponse({
    message: declared === undefined
      ? `the response body passed the ${maxBytes}-byte cap (maxResponseBytes); reading stopped`
      : `the response body declares ${declared} bytes, over the ${maxBytes}-byte cap (maxResponseBytes)`,
    status: context.status,
    requestId: context.requestId,
    url: context.url
  })

/** The server's requested wait: `retry-after-ms`, then `Retry-After` as seconds or an HTTP date. */
export const parseRetryAfter = (
  headers: Readonly<Record<string, string>>,
  nowMillis: number
): Duration.Duration | undefined => {
  const ms = headers["retry-after-ms"]?.trim()
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Duration.millis(Number(ms))
  const value = headers["retry-after"]?.trim()
  if (value === undefined || value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Duration.seconds(Number(value))
  // An HTTP date starts with a day name; this also keeps `Date.parse` away from inputs like "-5".
  if (/^[A-Za-z]{3}/.test(value)) {
    const at = Date.parse(value)
    if (Number.isFinite(at)) return Duration.millis(Math.max(0, at - nowMillis))
  }
  return undefined
}

/** What an error body says, in any of the shapes seen in the wild. */
export interface ErrorBody {
  readonly code: string | undefined
  readonly message: string | undefined
  readonly detail: string | ReadonlyArray<Errors.ValidationIssue> | undefined
}

const asString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const codeLike = /^[a-z][a-z0-9_]*$/

const validationIssues = (items: ReadonlyArray<unknown>): ReadonlyArray<Errors.ValidationIssue> =>
  items.flatMap((item) => {
    if (!isRecord(item)) return []
    const loc = Array.isArray(item.loc)
      ? item.loc.filter((part): part is string | number => typeof part === "string" || typeof part === "number")
      : []
    return [
      new Errors.ValidationIssue({
        loc,
        msg: typeof item.msg === "string" ? item.msg : JSON.stringify(item.msg ?? null),
        type: typeof item.type === "string" ? item.type : "unknown"
      })
    ]
  })

/**
 * Reads `{"error":{"code","message"}}`, `{"error":"..."}`, `{"code","message"}`, FastAPI's
 * `{"detail":"..."}`, `{"detail":[{loc,msg,type}]}` and `{"detail":{"code","message"}}`. Anything else
 * (HTML, plain text, empty) yields nothing but, for short plain text, the text as the message.
 */
export const parseErrorBody = (text: string, contentType: string | undefined): ErrorBody => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const plain = text.trim()
    const isPlain = contentType === undefined || contentType.startsWith("text/plain")
    return {
      code: undefined,
      message: isPlain && plain.length > 0 && plain.length <= 200 && !plain.includes("<") ? plain : undefined,
      detail: undefined
    }
  }
  if (!isRecord(json)) return { code: undefined, message: undefined, detail: undefined }
  const error = json.error
  if (isRecord(error)) {
    return { code: asString(error.code) ?? asString(error.type), message: asString(error.message), detail: undefined }
  }
  if (typeof error === "string") {
    return {
      code: codeLike.test(error) ? error : asString(json.code),
      message: asString(json.message) ?? error,
      detail: undefined
    }
  }
  const detail = json.detail
  if (typeof detail === "string") {
    return { code: asString(json.code) ?? (codeLike.test(detail) ? detail : undefined), message: detail, detail }
  }
  if (Array.isArray(detail)) {
    const issues = validationIssues(detail)
    return {
      code: asString(json.code),
      message: issues.length > 0
        ? issues.map((issue) => `${issue.loc.join(".")}: ${issue.msg}`).join("; ")
        : undefined,
      detail: issues
    }
  }
  if (isRecord(detail)) {
    return { code: asString(detail.code), message: asString(detail.message) ?? asString(detail.msg), detail: undefined }
  }
  return { code: asString(json.code), message: asString(json.message), detail: undefined }
}

/** The error for a non-2xx answer: the documented code picks the tag for 4xx, the status otherwise. */
export const errorFor = (
  context: ResponseContext,
  text: string,
  contentType: string | undefined,
  retryAfter: Duration.Duration | undefined,
  notFound: "agent" | "session"
): Errors.AgentSessionsError => {
  const body = parseErrorBody(text, contentType)
  const { status } = context
  const fields = {
    message: body.message === undefined ? `HTTP ${status}` : boundMessage(body.message),
    status,
    code: body.code,
    requestId: context.requestId,
    body: excerpt(text),
    url: context.url
  }
  const byCode = status >= 400 && status < 500 ? body.code : undefined
  switch (byCode) {
    case "invalid_request":
      return new Errors.InvalidRequest(fields)
    case "unauthorized":
      return new Errors.Unauthorized(fields)
    case "forbidden":
      return new Errors.Forbidden(fields)
    case "agent_not_found":
      return new Errors.AgentNotFound(fields)
    case "session_not_found":
      return notFound === "session" ? new Errors.SessionNotFound(fields) : new Errors.AgentNotFound(fields)
    case "rate_limit_exceeded":
      return new Errors.RateLimitExceeded({ ...fields, retryAfter })
  }
  switch (status) {
    case 400:
      return new Errors.InvalidRequest(fields)
    case 401:
      return new Errors.Unauthorized(fields)
    case 403:
      return new Errors.Forbidden(fields)
    case 404:
      return notFound === "session" ? new Errors.SessionNotFound(fields) : new Errors.AgentNotFound(fields)
    case 422:
      return new Errors.ValidationError({ ...fields, detail: body.detail })
    case 429:
      return new Errors.RateLimitExceeded({ ...fields, retryAfter })
  }
  if (status >= 500 && status < 600) return new Errors.ServerError({ ...fields, retryAfter })
  return new Errors.UnexpectedResponse({ ...fields, retryAfter })
}
