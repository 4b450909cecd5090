/**
 * What a scenario is: one behaviour of the SDK, as data. The server's script (one step per request it
 * receives), the client's options, the call, and what must come back. Runners for each Effect line turn
 * this into a call (in process, on a scripted `HttpClient`; and over real loopback sockets) and check the
 * outcome with `verify`.
 *
 * Strings marked `Template` may hold placeholders, filled in by `render` where the step is played:
 * - `{{key}}` the API key; `{{key:FORM}}` the key written another way (see `KeyForm`);
 * - `{{base}}` the origin the client is configured with (`https://lyzr.behaviour.test` in process, the
 *   loopback server over sockets); `{{other}}` another origin (a trap server over sockets);
 * - `{{httpDate:+N}}` an HTTP date N seconds after the server's "now" (the TestClock in process).
 */

/** Text with placeholders (see the module comment). */
export type Template = string

/**
 * How a server may write the key back. `literal` as sent; `percent` every byte `%XX`; `uri-component`
 * as `encodeURIComponent` writes it (only `/` and `+` encoded); `percent-mixed` every other character
 * `%xx` in lower case; `json-unicode` every character `\uXXXX`; `json-unicode-mixed` every other one;
 * `json-slash` `/` as `\/` (PHP's JSON).
 */
export type KeyForm =
  | "literal"
  | "percent"
  | "uri-component"
  | "percent-mixed"
  | "json-unicode"
  | "json-unicode-mixed"
  | "json-slash"

/** A response body. */
export type Body =
  /** Text; placeholders are filled in. */
  | Template
  /** `JSON.stringify` of the value (placeholders in its strings are filled in first). */
  | { readonly json: unknown }
  /** Raw bytes. */
  | { readonly bytes: ReadonlyArray<number> }
  /** `text` repeated `times` times (large bodies). */
  | { readonly repeat: string; readonly times: number }

/** An HTTP answer. */
export interface Reply {
  readonly status: number
  /** Sent as given (names lower case). A `json` body adds `content-type: application/json` unless set. */
  readonly headers?: Readonly<Record<string, Template>>
  readonly body?: Body
  /** Wait this long before the status line (a slow server). */
  readonly delayMillis?: number
  /** No `content-length`: the body goes out in chunks of this many bytes (chunked transfer). */
  readonly chunked?: number
  /** The full length is declared, but the connection breaks after this many body bytes. */
  readonly breakAfterBytes?: number
  /** The full length is declared, but after this many body bytes nothing more comes (the connection stays open). */
  readonly stallAfterBytes?: number
}

/** A request that gets no HTTP answer. */
export interface Fault {
  /**
   * `reset`: the connection is reset (TCP RST) once the request arrives; `close-before-headers`: the server
   * closes the connection without answering; `hang`: the server never answers and keeps the connection open.
   */
  readonly fault: "reset" | "close-before-headers" | "hang"
}

/** What the server does with one request. */
export type Step = Reply | Fault

/** The call under test. IDs are templates (so a scenario can put the key in one). */
export type Call =
  | { readonly list: Template }
  | { readonly get: readonly [agentId: Template, sessionId: Template] }

/**
 * The client's options, as a user passes them to `AgentSessions.layer`. Values a user could get wrong are
 * `unknown`, so a scenario can pass a bad one. `apiKey` defaults to the suite's key; `baseUrl` to the
 * scripted server (set it only to test the base URL itself: the call then never reaches the script).
 */
export interface Options {
  readonly apiKey?: Template | null
  readonly baseUrl?: string
  /** Appended to the scripted server's origin: a base URL with a path. */
  readonly basePath?: string
  readonly timeout?: unknown
  readonly maxRetries?: unknown
  readonly maxResponseBytes?: unknown
  readonly maxRedirects?: unknown
  readonly allowInsecureHttp?: boolean
}

/** Substrings that must all appear. */
export type Includes = string | ReadonlyArray<string>

/** The tagged error a call fails with: its `_tag` and the fields that matter (others are not checked). */
export interface ErrorExpect {
  readonly _tag:
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
  /** `null`: absent (no response was received). */
  readonly status?: number | null
  readonly code?: string | null
  /** Substrings of `message` (templates). */
  readonly message?: Includes
  /** Substrings `message` must not hold. */
  readonly messageNot?: Includes
  readonly requestId?: string | null
  /** Substrings of the body excerpt, or `null` for none. */
  readonly body?: Includes | null
  /** The excerpt's length in characters (it is bounded). */
  readonly bodyLength?: number
  /** The URL's path and query. */
  readonly urlPath?: string
  /** `retryAfter` in milliseconds; `null`: absent. */
  readonly retryAfterMillis?: number | null
  /** `UnexpectedResponse.location` (a template); `null`: absent. */
  readonly location?: string | null
  /** Substrings of `location`. */
  readonly locationIncludes?: Includes
  /** `TransportError.transient`: `true` is absent or true (retrying can help); `false` is false. */
  readonly transient?: boolean
  /** `RequestTimeout.timeout` in milliseconds. */
  readonly timeoutMillis?: number
  /** `ValidationError.detail`: the issues (`loc`, `msg`, `type`) or the text. */
  readonly detail?:
    | ReadonlyArray<{ readonly loc: ReadonlyArray<string | number>; readonly msg: string; readonly type: string }>
    | string
    | null
}

/** The session `get` returns, as plain data: `created_at` in ISO 8601 UTC with milliseconds. */
export interface SessionValue {
  readonly id: string
  readonly agent_id: string
  /** Absent when the wire's is absent or null. */
  readonly description?: string
  readonly metadata: { readonly [key: string]: unknown }
  readonly enabled: boolean
  readonly created_at: string
}

/** The requests the server saw. */
export interface RequestsExpect {
  /** How many reached the scripted server. */
  readonly count: number
  /** Path and query of each, in order. */
  readonly paths?: ReadonlyArray<string>
  /** When each arrived, in milliseconds after the call started: `[earliest, latest]`. */
  readonly at?: ReadonlyArray<readonly [number, number]>
  /** Headers every request carries (`null`: must not carry). */
  readonly headers?: Readonly<Record<string, string | null>>
}

/** The call's span. */
export interface SpanExpect {
  readonly name: "AgentSessions.list" | "AgentSessions.get"
  /** Attributes it must have (`null`: must not have). */
  readonly attributes?: Readonly<Record<string, string | number | null>>
}

/** The layer refused the options: a configuration error that names the setting. */
export interface RefusedExpect {
  /** The option (or `LYZR_*` variable) the message names. */
  readonly names: string
  readonly message?: Includes
}

/** What must come back, exactly one of `value`, `error`, `refused`; the rest are optional checks. */
export interface Expect {
  /** `list`: the IDs in order; `get`: the session. */
  readonly value?: ReadonlyArray<string> | SessionValue
  readonly error?: ErrorExpect
  readonly refused?: RefusedExpect
  readonly requests?: RequestsExpect
  /** When the call ended, in milliseconds after it started: `[earliest, latest]`. */
  readonly elapsedMillis?: readonly [number, number]
  readonly span?: SpanExpect
  /** The client stopped reading a body before its end (it did not buffer all of it). */
  readonly bodyAbandoned?: boolean
}

/**
 * Where a scenario runs: both modes unless a reason is given to skip one. `socketTiming` keeps the
 * scenario over sockets but skips its timing checks there (real time is not exact), with the reason.
 */
export interface Modes {
  readonly inProcess?: { readonly skip: string }
  readonly socket?: { readonly skip: string }
  readonly socketTiming?: { readonly skip: string }
}

/** One behaviour. */
export interface Scenario {
  /** The behaviour, read as a sentence of the spec. Unique. */
  readonly name: string
  /** The contract area it belongs to (for grouping in reports). */
  readonly area: string
  /** The server's answer to each request, in order. A request past the end gets a 599 "script exhausted". */
  readonly script: ReadonlyArray<Step>
  readonly options?: Options
  /** Instead of options: `LYZR_*` variables read by `layerConfig` (the key and base URL filled in unless given; `null` removes one). */
  readonly env?: Readonly<Record<string, string | null>>
  readonly call: Call
  readonly expect: Expect
  readonly modes?: Modes
}
