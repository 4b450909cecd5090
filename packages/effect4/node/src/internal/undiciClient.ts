/**
 * A lean Effect 4 `HttpClient` on `undici`'s `Dispatcher.request`: headers converted once, bodies read with
 * undici's own consumers, and the attempt's limits honoured. `Transport.CurrentAttempt` in the fiber's
 * context brings the deadline (its signal aborts the request and the body) and the body cap (a body past
 * it is cut with `Transport.BodyTooLarge`); the layer says so with `Transport.HonoursAttempt`, and the
 * service then runs no timeout fiber and no byte counting of its own.
 *
 * `HttpClient.make` keeps Effect's semantics around it: abort on interruption, and an unread body aborted
 * once its response is garbage-collected.
 */
import { Transport } from "@lyzr-effect/effect4-core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Pipeable from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Agent, type Dispatcher } from "undici"

/** The pool: keep-alive connections per origin. Timeouts are the attempt's (the service's per-attempt timeout). */
export const makeDispatcher = (): Dispatcher =>
  new Agent({
    headersTimeout: 0,
    bodyTimeout: 0
  })

type RequestBody = Exclude<Dispatcher.DispatchOptions["body"], undefined>

/** The bodies this client sends: the service sends none; bytes and text for anyone else's requests. */
const toBody = (body: HttpBody.HttpBody): RequestBody | undefined => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return body.body as RequestBody
    default:
      return undefined
  }
}

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })

const encodeError = (request: HttpClientRequest.HttpClientRequest) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.EncodeError({
      request,
      description: `this client sends no ${request.body._tag} bodies`
    })
  })

/**
 * One request through the dispatcher, as a promise that never rejects; within an attempt the body is read
 * before the response is handed over, and its text is handed over with it. Undici's callback form: no
 * promise of its own per request, and none between the response and its body.
 */
const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  target: Transport.Target | URL,
  signal: AbortSignal | Transport.AbortEmitter,
  attempt: Transport.Attempt | undefined
): Promise<Transport.Sent> => {
  const body = toBody(request.body)
  if (body === undefined) return Promise.resolve({ _tag: "Failure", error: encodeError(request) })
  return new Promise((resolve) => {
    // Undici calls back with an error for options it refuses too (it does not throw when given a callback).
    dispatcher.request({
      method: request.method as Dispatcher.HttpMethod,
      origin: target.origin,
      path: target instanceof URL ? target.pathname + target.search : target.path,
      headers: request.headers,
      body,
      signal
    }, (cause, source) => {
      if (cause) return resolve({ _tag: "Failure", error: transportError(request, cause) })
      const response = new UndiciResponse(request, target.href, source, attempt?.maxResponseBytes)
      if (attempt === undefined) {
        // An error after the body was abandoned must not become an uncaught exception.
        source.body.on("error", noop)
        return resolve({ _tag: "Response", response, text: undefined })
      }
      // The service reads every body it gets, under the cap: reading it here hands the response over with
      // it, which saves the fiber a second suspension (and the read's own error handler stands in for the
      // listener above). A failed read (a reset, the deadline) is kept for `text`, as a failure of the body.
      response.prefetch((text) => resolve({ _tag: "Response", response, text }))
    })
  })
}

/** A send as an Effect, for requests outside core's attempts. */
const suspendOn = (sent: () => Promise<Transport.Sent>) =>
  Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    sent().then((result) =>
      resume(result._tag === "Response" ? Effect.succeed(result.response) : Effect.fail(result.error))
    )
  })

/**
 * Builds an `HttpClient` that sends every request through `dispatcher`.
 *
 * Every request goes through Effect's `HttpClient.make` (the client span, trace propagation, abort on
 * interruption, an unread body given up once its response is collected) except the service's own:
 * `Transport.makeClient`'s promise `send` takes them directly, as the attempt already provides what
 * `HttpClient.make` would add. Its signal aborts on the deadline, on interruption and on failure, and the
 * body is read at once and handed over as text, so the service runs the whole attempt in one suspension
 * with neither a per-request `AbortController` and `FinalizationRegistry` entry nor an Effect step between
 * sending and the decoded value: measured by bench/src/effect4.ts.
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  Transport.makeClient({
    // The attempt's abort as an EventEmitter where the service gives one: undici listens to it for nothing.
    send: (request, target, attempt) => send(dispatcher, request, target, attempt.abort ?? attempt.signal, attempt),
    otherwise: HttpClient.make((request, url, signal, fiber) => {
      const attempt = Context.getOrUndefined(fiber.context, Transport.CurrentAttempt)
      return suspendOn(() =>
        send(dispatcher, request, url, attempt === undefined ? signal : attempt.abort ?? attempt.signal, attempt)
      )
    })
  })

/** The client on a fresh pool, destroyed (its sockets closed) when the layer's scope closes. */
export const layer: Layer.Layer<HttpClient.HttpClient | Transport.HonoursAttempt> = Layer.merge(
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      Effect.acquireRelease(Effect.sync(makeDispatcher), (dispatcher) => Effect.promise(() => dispatcher.destroy())),
      make
    )
  ),
  Layer.succeed(Transport.HonoursAttempt, true)
)

const noop = () => {}

const toArrayBuffer = (bytes: Buffer): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

type Source = Dispatcher.ResponseData
type Body = Source["body"]

/** The body as bytes, cut with `BodyTooLarge` as soon as it passes `maxBytes`. */
const readCapped = (body: Body, maxBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let total = 0
    body.on("data", (chunk: Buffer) => {
      total += chunk.length
      if (total > maxBytes) body.destroy(new Transport.BodyTooLarge(maxBytes))
      else chunks.push(chunk)
    })
    body.on("end", () => resolve(Buffer.concat(chunks, total)))
    body.on("error", reject)
  })

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId] = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId] = HttpClientResponse.TypeId
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: string
  readonly source: Source
  /** The cap to enforce while reading, or `undefined` when none is needed (none asked, or a length under it). */
  private readonly cap: number | undefined

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    url: string,
    source: Source,
    maxBytes: number | undefined
  ) {
    super()
    this.request = request
    this.url = url
    this.source = source
    const declared = Number(source.headers["content-length"] ?? Number.NaN)
    this.cap = maxBytes === undefined || declared <= maxBytes ? undefined : maxBytes
  }

  get status(): number {
    return this.source.statusCode
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers as Headers.Input)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = header === undefined ? Cookies.empty : Cookies.fromSetCookie(header)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })
  }

  /** One read of the body; interruption destroys it. */
  private consume<A>(read: () => Promise<A>): Effect.Effect<A, HttpClientError.HttpClientError> {
    return Effect.callback<A, HttpClientError.HttpClientError>((resume) => {
      read().then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(() => this.source.body.destroy())
    })
  }

  private bytes: Promise<Buffer> | undefined
  /** The whole body, read once (capped when the attempt asked for a cap no declared length meets). */
  private readBytes(): Promise<Buffer> {
    return this.bytes ??= this.cap === undefined
      ? this.source.body.bytes().then((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      : readCapped(this.source.body, this.cap)
  }

  /** The body once read ahead by {@link prefetch}: its text, or why it could not be read. */
  private prefetched: { readonly text: string } | { readonly cause: unknown } | undefined

  /**
   * Reads the whole body now, as UTF-8 text (the service reads nothing else), and calls `done` once it is
   * read (with its text) or has failed (with `undefined`).
   */
  prefetch(done: (text: string | undefined) => void): void {
    const text = this.cap === undefined
      ? this.source.body.text()
      : readCapped(this.source.body, this.cap).then((bytes) => bytes.toString("utf8"))
    text.then(
      (text) => {
        this.prefetched = { text }
        done(text)
      },
      (cause: unknown) => {
        this.prefetched = { cause }
        done(undefined)
      }
    )
  }

  private cachedText: Effect.Effect<string, HttpClientError.HttpClientError> | undefined
  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    if (this.cachedText !== undefined) return this.cachedText
    const prefetched = this.prefetched
    if (prefetched !== undefined) {
      return this.cachedText = "text" in prefetched
        ? Effect.succeed(prefetched.text)
        : Effect.fail(this.decodeError(prefetched.cause))
    }
    let text: Promise<string> | undefined
    return this.cachedText = this.consume(() =>
      text ??= this.bytes === undefined && this.cap === undefined
        ? this.source.body.text()
        : this.readBytes().then((bytes) => bytes.toString("utf8"))
    )
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) => {
      try {
        return Effect.succeed(text === "" ? null : JSON.parse(text) as Schema.Json)
      } catch (cause) {
        return Effect.fail(this.decodeError(cause))
      }
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    const prefetched = this.prefetched
    if (prefetched !== undefined) {
      // Read ahead as text: its UTF-8 bytes (the service only drops the body of a redirect this way).
      return "text" in prefetched
        ? Effect.succeed(toArrayBuffer(Buffer.from(prefetched.text, "utf8")))
        : Effect.fail(this.decodeError(prefetched.cause))
    }
    return this.consume(() => this.readBytes().then(toArrayBuffer))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return this.consume(() =>
      this.readBytes().then((bytes) => new Response(new Uint8Array(bytes), { headers: this.headers }).formData())
    )
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return Stream.fromAsyncIterable(this.source.body as AsyncIterable<Uint8Array>, (cause) => this.decodeError(cause))
  }

  get upgrade(): Effect.Effect<never, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "this client does not upgrade connections"
        })
      })
    )
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "effect/http/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }

  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  }
}
