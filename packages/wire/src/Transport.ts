/**
 * A request that got no response, described so a person can act on it: what failed (refused, DNS,
 * TLS, reset, closed before the headers, a missing permission), where (host and port) and the system
 * code, read from the error chain each runtime throws (Node's undici, Deno's and workerd's fetch).
 *
 * @since 0.1.0
 */
import { type ErrorRecord, hostPort } from "./ErrorRecord.ts"

/**
 * The kinds of failure told apart.
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/wire"
 *
 * const kind: Transport.Kind = "refused"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Kind =
  | "refused"
  | "dns"
  | "tls"
  | "reset"
  | "closed"
  | "connect-timeout"
  | "unreachable"
  | "permission"
  | "invalid-request"
  | "other"

/**
 * What a failure was, as read from its error chain.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const failure = Transport.classify(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }))
 * failure.kind // "refused"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly kind: Kind
  /** The system or library code (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, `CERT_HAS_EXPIRED`). */
  readonly code: string | undefined
  /** The chain as one line: `TypeError: fetch failed <- Error: connect ECONNREFUSED 127.0.0.1:1`. */
  readonly text: string
}

/** `String(value)`, or a description when the value cannot be turned into text (a `toString` that is not a function, or throws). */
const text = (value: unknown): string => {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

const describeOne = (error: unknown): string => {
  try {
    return error instanceof Error
      ? `${text(error.name)}: ${text(error.message)}`
      : typeof error === "object" && error !== null && "message" in error
      ? text((error as { message: unknown }).message)
      : text(error)
  } catch {
    // A getter that throws.
    return Object.prototype.toString.call(error)
  }
}

/** The error and its causes, outermost first (AggregateErrors contribute their first error). */
const chainOf = (error: unknown): Array<unknown> => {
  const chain: Array<unknown> = []
  let current: unknown = error
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current)
    const next: unknown = typeof current === "object" ? (current as { cause?: unknown }).cause : undefined
    const aggregate = current instanceof AggregateError ? current.errors[0] : undefined
    current = next ?? aggregate
  }
  return chain
}

const codeOf = (error: unknown): string | undefined => {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === "string" && code.length > 0 ? code : undefined
}

const byCode = (code: string): Kind | undefined => {
  if (code === "ECONNREFUSED") return "refused"
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME" || code === "EAI_FAIL") return "dns"
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED") return "reset"
  if (code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED" || code === "ERR_STREAM_PREMATURE_CLOSE") return "closed"
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return "connect-timeout"
  if (code === "ENETUNREACH" || code === "EHOSTUNREACH" || code === "ENETDOWN") return "unreachable"
  if (
    code.startsWith("CERT_") || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL") ||
    code.includes("CERT") || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "SELF_SIGNED_CERT_IN_CHAIN"
  ) return "tls"
  return undefined
}

/** Deno's and workerd's fetch say what happened in words only. */
const byText = (text: string): Kind | undefined => {
  if (/NotCapable|PermissionDenied|Requires net access/i.test(text)) return "permission"
  if (/connection refused|ECONNREFUSED/i.test(text)) return "refused"
  if (/dns error|failed to lookup address|name or service not known|nodename nor servname|ENOTFOUND/i.test(text)) {
    return "dns"
  }
  if (/certificate|tls handshake|invalid peer certificate|ssl/i.test(text)) return "tls"
  if (/connection reset|ECONNRESET|broken pipe/i.test(text)) return "reset"
  if (
    /connection closed before message completed|other side closed|unexpected eof|network connection lost/i.test(text)
  ) {
    return "closed"
  }
  return undefined
}

/**
 * Reads an error chain into a {@link Failure}.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * Transport.classify(new TypeError("error sending request: client error (Connect): tcp connect error: Connection refused")).kind
 * // "refused"
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const classify = (error: unknown): Failure => {
  const chain = chainOf(error)
  const text = chain.map(describeOne).join(" <- ")
  const permission = chain.find((e) => e instanceof Error && (e.name === "NotCapable" || e.name === "PermissionDenied"))
  if (permission !== undefined) return { kind: "permission", code: (permission as Error).name, text }
  for (const e of chain) {
    const code = codeOf(e)
    const kind = code === undefined ? undefined : byCode(code)
    if (kind !== undefined) return { kind, code, text }
  }
  const code = chain.map(codeOf).find((c) => c !== undefined)
  // Deno names the URL in its message ("error sending request for url (https://ssl.example.com/)"): a
  // host name must not read as the kind of failure.
  return { kind: byText(text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)]*/gi, "")) ?? "other", code, text }
}

const phrase = (failure: Failure, where: string): string => {
  switch (failure.kind) {
    case "refused":
      return `the connection to ${where} was refused`
    case "dns":
      return `the host of ${where} could not be resolved (DNS)`
    case "tls":
      return `the TLS handshake with ${where} failed`
    case "reset":
      return `the connection to ${where} was reset`
    case "closed":
      return `${where} closed the connection before sending the response headers`
    case "connect-timeout":
      return `connecting to ${where} timed out`
    case "unreachable":
      return `${where} is unreachable from this network`
    case "permission":
      return `the runtime has no permission to connect to ${where}`
    case "invalid-request":
      return `the request to ${where} could not be built`
    case "other":
      return `the request to ${where} failed`
  }
}

const advice = (failure: Failure, where: string, baseUrlName: string): string => {
  switch (failure.kind) {
    case "refused":
      return `; is the server running, and is ${baseUrlName} right?`
    case "dns":
      return `; check the host name in ${baseUrlName}`
    case "tls":
      return `; check that ${baseUrlName} names a host with a valid certificate`
    case "permission":
      return `; under Deno, run with --allow-net=${where}`
    default:
      return ""
  }
}

/**
 * The record for a request that got no usable response. `phase` tells whether the failure came
 * before the response headers or while reading the body. A missing permission and a request that
 * cannot be built are not transient: trying again cannot help.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const cause = new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:47899"), { code: "ECONNREFUSED" }) })
 * Transport.failed(new URL("http://127.0.0.1:47899/v1/agent/a/sessions"), cause, { phase: "request" }).message
 * // "GET /v1/agent/a/sessions failed: the connection to 127.0.0.1:47899 was refused (ECONNREFUSED); is the server running, and is baseUrl right?"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const failed = (
  url: URL,
  error: unknown,
  options: {
    readonly phase: "request" | "body"
    /** The kind, when the caller knows better than the chain (e.g. a client's own encode error). */
    readonly kind?: Kind | undefined
    /** How the user named the base URL (`baseUrl`, `LYZR_BASE_URL`, `--base-url`). */
    readonly baseUrlName?: string | undefined
    /**
     * Applied to the cause's text before it is cut to 1 KiB (a `Redactor`'s `scrub`): a key across the
     * cut would otherwise leave its first part behind, which no later redaction can recognise.
     */
    readonly scrub?: ((text: string) => string) | undefined
  }
): ErrorRecord => {
  const read = classify(error)
  const failure = options.kind === undefined ? read : { ...read, kind: options.kind }
  const where = hostPort(url)
  const code = failure.code === undefined || failure.code === failure.kind ? "" : ` (${failure.code})`
  const what = options.phase === "body"
    ? `the connection to ${where} broke while reading the response body${code}`
    : `${phrase(failure, where)}${code}${advice(failure, where, options.baseUrlName ?? "baseUrl")}`
  const transient = failure.kind !== "permission" && failure.kind !== "invalid-request"
  const causeText = options.scrub === undefined ? failure.text : options.scrub(failure.text)
  return {
    tag: "TransportError",
    message: `GET ${url.pathname} failed: ${what}`,
    url: url.href,
    cause: causeText.length > 1024 ? `${causeText.slice(0, 1024)}…` : causeText,
    ...(transient ? {} : { transient: false })
  }
}

/**
 * What {@link readCapped} read: the text, or that the body passed the cap (reading stopped there).
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/wire"
 *
 * const read: Transport.CappedText = { _tag: "TooLarge" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type CappedText = { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "TooLarge" }

/**
 * Reads a body (a web `ReadableStream`, a Node stream: anything async-iterable of bytes) to UTF-8 text,
 * counting the bytes as they come and stopping at `maxBytes`, so an endless or huge body is never
 * buffered whole. Leaving the loop cancels the underlying stream. `signal` stops the read early.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const body = new Response("x".repeat(100)).body as unknown as AsyncIterable<Uint8Array>
 * const read = await Transport.readCapped(body, 10, new AbortController().signal)
 * read._tag // "TooLarge"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const readCapped = async (
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal
): Promise<CappedText> => {
  const decoder = new TextDecoder("utf-8", { fatal: false })
  let total = 0
  let out = ""
  for await (const chunk of body) {
    if (signal.aborted) break
    total += chunk.byteLength
    if (total > maxBytes) return { _tag: "TooLarge" }
    out += decoder.decode(chunk, { stream: true })
  }
  return { _tag: "Text", text: out + decoder.decode() }
}

/**
 * An abort in Node's `EventEmitter` shape: `aborted` and `reason` as on an `AbortSignal`, and one event,
 * `"abort"`, emitted once. undici takes one as a request's `signal`; listening to it costs next to
 * nothing, where a listener on an `AbortSignal` costs microseconds a request on Node 20.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const abort: Transport.AbortEmitter = new Transport.Deadline(30_000)
 * abort.once("abort", () => console.log("aborted"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AbortEmitter {
  readonly aborted: boolean
  readonly reason: unknown
  on(event: "abort", listener: () => void): AbortEmitter
  once(event: "abort", listener: () => void): AbortEmitter
  addListener(event: "abort", listener: () => void): AbortEmitter
  removeListener(event: "abort", listener: () => void): AbortEmitter
  off(event: "abort", listener: () => void): AbortEmitter
}

/**
 * One attempt's deadline and abort: a timer of its own, cleared when the attempt ends
 * (`AbortSignal.timeout` would keep one pending per call for the whole timeout), an abort that is an
 * {@link AbortEmitter}, and an `AbortSignal` made only when `signal` is read (for `fetch`). The deadline
 * aborts with a `TimeoutError` `DOMException`; an attempt ended without success with an `AbortError`.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const deadline = new Transport.Deadline(30_000)
 * const pending = fetch("https://example.com", { signal: deadline.signal })
 * pending.then(() => deadline.end(true), () => deadline.end(false))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Deadline implements AbortEmitter {
  /**
   * Whether the abort fired (the deadline passed, or the attempt ended without success).
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.end(false)
   * deadline.aborted // true
   * ```
   *
   * @since 0.1.0
   */
  aborted = false
  /**
   * The abort's reason, once it fired.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.end(false)
   * String(deadline.reason) // "AbortError: the attempt ended"
   * ```
   *
   * @since 0.1.0
   */
  reason: unknown = undefined
  private controller: AbortController | undefined = undefined
  private listeners: Array<() => void> | undefined = undefined
  private readonly timer: ReturnType<typeof setTimeout>

  constructor(timeoutMillis: number) {
    this.timer = setTimeout(
      () => this.fire(new DOMException("the attempt's deadline passed", "TimeoutError")),
      timeoutMillis
    )
  }

  /**
   * The same abort as an `AbortSignal`, made when first read.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * const signal = deadline.signal
   * deadline.end(false)
   * signal.aborted // true
   * ```
   *
   * @since 0.1.0
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort(this.reason)
    }
    return this.controller.signal
  }

  /**
   * Ends the attempt: the timer cleared and, unless it succeeded, the abort fired, which cancels a
   * request still in flight and drops a body left unread.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.end(true)
   * deadline.aborted // false
   * ```
   *
   * @since 0.1.0
   */
  end(succeeded: boolean): void {
    clearTimeout(this.timer)
    if (!succeeded) this.fire(new DOMException("the attempt ended", "AbortError"))
  }

  /**
   * Fires the abort now with `reason` (once: later calls do nothing): `aborted` and `reason` set, the
   * signal (if made) aborted, each listener called.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.fire(new Error("gone"))
   * deadline.aborted // true
   * deadline.end(true) // clears the timer
   * ```
   *
   * @since 0.1.0
   */
  fire(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.controller?.abort(reason)
    const listeners = this.listeners
    this.listeners = undefined
    if (listeners !== undefined) { for (const listener of listeners) listener() }
  }

  /**
   * Adds a listener for `"abort"`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.on("abort", () => console.log("aborted"))
   * deadline.end(false) // logs "aborted"
   * ```
   *
   * @since 0.1.0
   */
  on(event: "abort", listener: () => void): this {
    if (event === "abort" && !this.aborted) (this.listeners ??= []).push(listener)
    return this
  }

  /**
   * Adds a listener for `"abort"` (it fires at most once anyway).
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.once("abort", () => console.log("aborted"))
   * deadline.end(false) // logs "aborted"
   * ```
   *
   * @since 0.1.0
   */
  once(event: "abort", listener: () => void): this {
    return this.on(event, listener)
  }

  /**
   * Adds a listener for `"abort"`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * deadline.addListener("abort", () => console.log("aborted"))
   * deadline.end(false) // logs "aborted"
   * ```
   *
   * @since 0.1.0
   */
  addListener(event: "abort", listener: () => void): this {
    return this.on(event, listener)
  }

  /**
   * Removes a listener for `"abort"`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * const listener = () => console.log("aborted")
   * deadline.removeListener("abort", deadline.on("abort", listener) && listener)
   * deadline.end(false) // logs nothing
   * ```
   *
   * @since 0.1.0
   */
  removeListener(event: "abort", listener: () => void): this {
    const listeners = this.listeners
    if (event === "abort" && listeners !== undefined) {
      const at = listeners.indexOf(listener)
      if (at !== -1) listeners.splice(at, 1)
    }
    return this
  }

  /**
   * Removes a listener for `"abort"`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const deadline = new Transport.Deadline(30_000)
   * const listener = () => console.log("aborted")
   * deadline.on("abort", listener).off("abort", listener)
   * deadline.end(false) // logs nothing
   * ```
   *
   * @since 0.1.0
   */
  off(event: "abort", listener: () => void): this {
    return this.removeListener(event, listener)
  }
}

/**
 * One attempt's limits as both cores hand them to a client (their `Transport.Attempt`): the
 * {@link Deadline}, whose abort is also {@link AttemptLimits.abort} (undici's `signal`), the body cap,
 * and the `RequestInit` of the service's layer for fetch-based clients.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const limits = new Transport.AttemptLimits(30_000, 8 * 1024 * 1024, { redirect: "manual" })
 * limits.abort === limits // true
 * limits.end(true)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class AttemptLimits extends Deadline {
  /**
   * Bodies past this many bytes fail the attempt.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const limits = new Transport.AttemptLimits(30_000, 1024, {})
   * limits.maxResponseBytes // 1024
   * limits.end(true)
   * ```
   *
   * @since 0.1.0
   */
  readonly maxResponseBytes: number
  /**
   * The `RequestInit` of the service's layer (with `redirect: "manual"`), for fetch-based clients.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const limits = new Transport.AttemptLimits(30_000, 1024, { redirect: "manual" })
   * limits.requestInit.redirect // "manual"
   * limits.end(true)
   * ```
   *
   * @since 0.1.0
   */
  readonly requestInit: RequestInit

  constructor(timeoutMillis: number, maxResponseBytes: number, requestInit: RequestInit) {
    super(timeoutMillis)
    this.maxResponseBytes = maxResponseBytes
    this.requestInit = requestInit
  }

  /**
   * The attempt's abort as an {@link AbortEmitter}: this object itself.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * const limits = new Transport.AttemptLimits(30_000, 1024, {})
   * limits.abort.once("abort", () => console.log("aborted"))
   * limits.end(false)
   * ```
   *
   * @since 0.1.0
   */
  get abort(): AbortEmitter {
    return this
  }
}

/**
 * Where one request goes, as the core built it: the text that is sent (`href`), the same split into the
 * `origin` and the `path` (with its query) that an HTTP/1.1 client takes, and the parsed `URL` only when
 * something asks for it (a message, a redirect, a client that wants one). The service builds one from its
 * base URL and an endpoint's path without parsing: `new URL` once per attempt costs several microseconds
 * of a loopback call.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/wire"
 *
 * const target = new Transport.Target("https://agent-prod.studio.lyzr.ai", "/v1/agent/agt_1/sessions")
 * target.href // "https://agent-prod.studio.lyzr.ai/v1/agent/agt_1/sessions"
 * target.url.hostname // "agent-prod.studio.lyzr.ai"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class Target {
  /**
   * The origin, as `URL#origin` gives it (`https://host` or `http://host:port`).
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * new Transport.Target("http://127.0.0.1:8080", "/v1/agent/agt_1/sessions").origin // "http://127.0.0.1:8080"
   * ```
   *
   * @since 0.1.0
   */
  readonly origin: string
  /**
   * The path and query, starting with `/`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * new Transport.Target("http://127.0.0.1:8080", "/v1/agent/agt_1/sessions").path // "/v1/agent/agt_1/sessions"
   * ```
   *
   * @since 0.1.0
   */
  readonly path: string
  /**
   * The whole URL: `origin` followed by `path`.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * new Transport.Target("http://127.0.0.1:8080", "/x").href // "http://127.0.0.1:8080/x"
   * ```
   *
   * @since 0.1.0
   */
  readonly href: string
  private parsed: URL | undefined

  /** `origin` must be a URL's `origin` and `path` start with `/`; `parsed`, when given, is their URL. */
  constructor(origin: string, path: string, parsed?: URL) {
    this.origin = origin
    this.path = path
    this.href = origin + path
    this.parsed = parsed
  }

  /**
   * The target of a parsed URL (its fragment, never sent, is dropped; so is any userinfo).
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * Transport.Target.fromUrl(new URL("http://127.0.0.1:8080/a?b=1#c")).path // "/a?b=1"
   * ```
   *
   * @since 0.1.0
   */
  static fromUrl(url: URL): Target {
    return new Target(url.origin, url.pathname + url.search, url)
  }

  /**
   * The URL, parsed from `href` on first use.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/wire"
   *
   * new Transport.Target("http://127.0.0.1:8080", "/x").url.port // "8080"
   * ```
   *
   * @since 0.1.0
   */
  get url(): URL {
    return this.parsed ??= new URL(this.href)
  }
}
