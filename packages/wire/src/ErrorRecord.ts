/**
 * Every failure as a plain record: which of the twelve errors it is and what a person debugging it
 * needs (status, documented code, message, request id, a bounded excerpt of the body, the URL). Each
 * Effect line turns a record into its error class in one place.
 *
 * @since 0.1.0
 */
import { placeholder } from "./Redaction.ts"

/**
 * The twelve error tags.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const tag: ErrorRecord.Tag = "SessionNotFound"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Tag =
  | "InvalidRequest"
  | "Unauthorized"
  | "Forbidden"
  | "AgentNotFound"
  | "SessionNotFound"
  | "ValidationError"
  | "RateLimitExceeded"
  | "ServerError"
  | "UnexpectedResponse"
  | "ResponseDecodeError"
  | "TransportError"
  | "RequestTimeout"

/**
 * Every tag, in the order the docs list them.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.tags.length // 12
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const tags: ReadonlyArray<Tag> = [
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
]

/**
 * One entry of FastAPI's 422 `detail` list.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const issue: ErrorRecord.ValidationIssue = { loc: ["path", "agent_id"], msg: "field required", type: "missing" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidationIssue {
  readonly loc: ReadonlyArray<string | number>
  readonly msg: string
  readonly type: string
}

/**
 * A failure, as data. Optional fields are absent (not `undefined`) when unknown.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const record: ErrorRecord.ErrorRecord = { tag: "ServerError", message: "HTTP 503", status: 503 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorRecord {
  readonly tag: Tag
  /** A human-readable summary: the body's message where it has one; bounded. */
  readonly message: string
  /** The HTTP status, absent when no response was received. */
  readonly status?: number
  /** The documented error code (`session_not_found`, ...) when the body names one. */
  readonly code?: string
  /** The `x-request-id` (or `request-id`, `cf-ray`) response header. */
  readonly requestId?: string
  /** The first KiB of the response body. */
  readonly excerpt?: string
  /** The URL requested. */
  readonly url?: string
  /** The server's requested wait, in milliseconds (`retry-after-ms`, `Retry-After`). */
  readonly retryAfter?: number
  /** A 422's `detail`: FastAPI's issue list, or its text. */
  readonly detail?: string | ReadonlyArray<ValidationIssue>
  /** A redirect's target (for a redirect that was not followed). */
  readonly location?: string
  /** The underlying failure as text (`TransportError`). */
  readonly cause?: string
  /** Whether trying again can help (`TransportError`); absent means it can. */
  readonly transient?: boolean
  /** The per-attempt timeout, in milliseconds (`RequestTimeout`). */
  readonly timeout?: number
}

/**
 * How much of a body, or of a message read from one, an error keeps.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.excerptLength // 1024
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const excerptLength = 1024

/**
 * The first {@link excerptLength} characters of a body, or nothing for an empty one.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.excerpt("x".repeat(2000))?.length // 1025 (with the ellipsis)
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const excerpt = (text: string): string | undefined => text.length === 0 ? undefined : bound(text)

const bound = (text: string): string => text.length > excerptLength ? `${text.slice(0, excerptLength)}…` : text

/**
 * The request id a response carries, for support tickets.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.requestIdOf({ "x-request-id": "req_1" }) // "req_1"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const requestIdOf = (headers: Readonly<Record<string, string>>): string | undefined =>
  headers["x-request-id"] ?? headers["request-id"] ?? headers["cf-ray"]

/**
 * What an error body says, in any of the shapes seen in the wild.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const body: ErrorRecord.ErrorBody = { code: "session_not_found", message: "no such session", detail: undefined }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorBody {
  readonly code: string | undefined
  readonly message: string | undefined
  readonly detail: string | ReadonlyArray<ValidationIssue> | undefined
}

const asString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const codeLike = /^[a-z][a-z0-9_]*$/

const validationIssues = (items: ReadonlyArray<unknown>): ReadonlyArray<ValidationIssue> =>
  items.flatMap((item) => {
    if (!isRecord(item)) return []
    const loc = Array.isArray(item.loc)
      ? item.loc.filter((part): part is string | number => typeof part === "string" || typeof part === "number")
      : []
    return [{
      loc,
      msg: typeof item.msg === "string" ? item.msg : JSON.stringify(item.msg ?? null),
      type: typeof item.type === "string" ? item.type : "unknown"
    }]
  })

/**
 * Reads `{"error":{"code","message"}}`, `{"error":"..."}`, `{"code","message"}`, FastAPI's
 * `{"detail":"..."}`, `{"detail":[{loc,msg,type}]}` and `{"detail":{"code","message"}}`. Anything else
 * (HTML, plain text, empty) yields nothing but, for short plain text, the text as the message.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.parseErrorBody('{"error":{"code":"forbidden","message":"no"}}', "application/json").code // "forbidden"
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseErrorBody = (text: string, contentType: string | undefined): ErrorBody => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    const plain = text.trim()
    const isPlain = contentType === undefined || contentType.startsWith("text/plain")
    // A "<" is markup, unless it is the redaction placeholder that replaced an echoed key.
    const markup = plain.split(placeholder).join("").includes("<")
    return {
      code: undefined,
      message: isPlain && plain.length > 0 && plain.length <= 200 && !markup ? plain : undefined,
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

/**
 * A response's facts, as the classification needs them.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const response: ErrorRecord.ResponseFacts = {
 *   status: 404,
 *   headers: { "content-type": "application/json" },
 *   body: '{"detail":"session_not_found"}',
 *   url: "https://agent-prod.studio.lyzr.ai/v2/agents/agt_1/sessions/ase_1"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseFacts {
  readonly status: number
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly url: string
}

/**
 * What a 404 without a documented code means for the call: `AgentNotFound` for a list,
 * `SessionNotFound` for a get.
 *
 * @example
 * ```ts
 * import type { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const notFound: ErrorRecord.NotFound = "session"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type NotFound = "agent" | "session"

/**
 * The record for a non-2xx answer: the documented code picks the tag for 4xx, the status otherwise.
 * `retryAfter` is the server's requested wait (see `Retry.retryAfterMillis`). A 404 that names no
 * documented code hints at a wrong base path, since the API's own 404s name one.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * const record = ErrorRecord.fromResponse({
 *   status: 404,
 *   headers: {},
 *   body: '{"detail":"session_not_found"}',
 *   url: "https://agent-prod.studio.lyzr.ai/v2/agents/agt_1/sessions/ase_1"
 * }, { notFound: "session", retryAfter: undefined })
 * record.tag // "SessionNotFound"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromResponse = (
  response: ResponseFacts,
  context: {
    readonly notFound: NotFound
    readonly retryAfter: number | undefined
    /** How the user named the base URL, for the wrong-path hint (`baseUrl`, `LYZR_BASE_URL`, `--base-url`). */
    readonly baseUrlName?: string | undefined
  }
): ErrorRecord => {
  const { status } = response
  const body = parseErrorBody(response.body, response.headers["content-type"])
  const fields = compact({
    message: body.message === undefined ? `HTTP ${status}` : bound(body.message),
    status,
    code: body.code,
    requestId: requestIdOf(response.headers),
    excerpt: excerpt(response.body),
    url: response.url
  })
  const withWait = (tag: Tag): ErrorRecord => compact({ ...fields, tag, retryAfter: context.retryAfter })
  const byCode = status >= 400 && status < 500 ? body.code : undefined
  switch (byCode) {
    case "invalid_request":
      return { ...fields, tag: "InvalidRequest" }
    case "unauthorized":
      return { ...fields, tag: "Unauthorized" }
    case "forbidden":
      return { ...fields, tag: "Forbidden" }
    case "agent_not_found":
      return { ...fields, tag: "AgentNotFound" }
    case "session_not_found":
      return { ...fields, tag: context.notFound === "session" ? "SessionNotFound" : "AgentNotFound" }
    case "rate_limit_exceeded":
      return withWait("RateLimitExceeded")
  }
  switch (status) {
    case 400:
      return { ...fields, tag: "InvalidRequest" }
    case 401:
      return { ...fields, tag: "Unauthorized" }
    case 403:
      return { ...fields, tag: "Forbidden" }
    case 404: {
      const tag: Tag = context.notFound === "session" ? "SessionNotFound" : "AgentNotFound"
      // The API's own 404s name their code; a bare one ("Not Found", an HTML page) is often a base URL
      // whose path is wrong, which would otherwise read as "every agent is missing".
      if (body.code !== undefined) return { ...fields, tag }
      const setting = context.baseUrlName ?? "baseUrl"
      const path = new URL(response.url).pathname
      return {
        ...fields,
        tag,
        message: bound(
          `${fields.message} (no documented error code in the body; if this ${
            context.notFound === "session" ? "session" : "agent"
          } exists, check that ${setting} is the API's root: ${path} was not found)`
        )
      }
    }
    case 422:
      return compact({ ...fields, tag: "ValidationError", detail: body.detail })
    case 429:
      return withWait("RateLimitExceeded")
  }
  if (status >= 500 && status < 600) return withWait("ServerError")
  return withWait("UnexpectedResponse")
}

/**
 * The record for a 2xx body that is not what the endpoint returns.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.decodeFailure({ status: 200, headers: {}, body: "<html>", url: "https://x.test/v1/agent/a/sessions" },
 *   "is not JSON (Unexpected token '<')").tag // "ResponseDecodeError"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const decodeFailure = (response: ResponseFacts, problem: string): ErrorRecord =>
  compact({
    tag: "ResponseDecodeError",
    message: bound(`the ${response.status} response body ${problem}`),
    status: response.status,
    requestId: requestIdOf(response.headers),
    excerpt: excerpt(response.body),
    url: response.url
  })

/**
 * The record for a body past the size cap, by its declared length or as read.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.tooLarge({ status: 200, headers: {}, url: "https://x.test/" }, 1024, 4096).message
 * // "the response body declares 4096 bytes, over the 1024-byte cap (maxResponseBytes)"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const tooLarge = (
  response: Omit<ResponseFacts, "body">,
  maxBytes: number,
  declared: number | undefined
): ErrorRecord =>
  compact({
    tag: "UnexpectedResponse",
    message: declared === undefined
      ? `the response body passed the ${maxBytes}-byte cap (maxResponseBytes); reading stopped`
      : `the response body declares ${declared} bytes, over the ${maxBytes}-byte cap (maxResponseBytes)`,
    status: response.status,
    requestId: requestIdOf(response.headers),
    url: response.url
  })

/**
 * The record for an attempt that passed the per-attempt timeout.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.timedOut(new URL("https://x.test/v1/agent/a/sessions"), 30000, "LYZR_TIMEOUT").message
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const timedOut = (url: URL, timeoutMillis: number, timeoutName = "timeout"): ErrorRecord => ({
  tag: "RequestTimeout",
  message: `GET ${url.pathname} to ${hostPort(url)} took longer than ${
    formatMillis(timeoutMillis)
  } (the per-attempt ${timeoutName})`,
  url: url.href,
  timeout: timeoutMillis
})

/**
 * An ID or argument refused before any request is sent.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.invalidRequest("agent_id must not be empty").tag // "InvalidRequest"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidRequest = (message: string, code?: string): ErrorRecord =>
  compact({ tag: "InvalidRequest", message: bound(message), code })

/**
 * `host:port` of a URL, with the scheme's default port filled in.
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.hostPort(new URL("https://agent-prod.studio.lyzr.ai/v1")) // "agent-prod.studio.lyzr.ai:443"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const hostPort = (url: URL): string =>
  `${url.hostname}:${url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80"}`

/**
 * A duration in milliseconds as a person reads it (`30 s`, `1.5 s`, `250 ms`).
 *
 * @example
 * ```ts
 * import { ErrorRecord } from "@lyzr-effect/wire"
 *
 * ErrorRecord.formatMillis(1500) // "1.5 s"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const formatMillis = (millis: number): string =>
  millis < 1000 ? `${Math.round(millis * 1000) / 1000} ms` : `${Math.round(millis / 100) / 10} s`

/** Drops `undefined` fields, so that a record's absent fields are absent, as `exactOptionalPropertyTypes` wants. */
const compact = <A extends object>(record: A): { [K in keyof A]: Exclude<A[K], undefined> } => {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(record)) if (value !== undefined) out[name] = value
  return out as { [K in keyof A]: Exclude<A[K], undefined> }
}
