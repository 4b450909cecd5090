/**
 * A lean Effect 4 `HttpClient` on `undici`: the service's attempts on undici's handler API
 * (`Dispatcher.dispatch`, the body gathered as it arrives), any other request on `Dispatcher.request` with
 * its body read by undici's own consumers; headers converted once, and the attempt's limits honoured.
 * `Transport.CurrentAttempt` in the fiber's context brings the deadline (its abort ends the request and
 * the body) and the body cap (a body past it is cut with `Transport.BodyTooLarge`); the layer says so with
 * `Transport.HonoursAttempt`, and the service then runs no timeout fiber and no byte counting of its own.
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

/** The attempt's abort, listened to for the one request: `stop` removes the listener. */
const onAbort = (attempt: Transport.Attempt, listener: () => void): () => void => {
  const emitter = attempt.abort
  if (emitter !== undefined) {
    emitter.once("abort", listener)
    return () => emitter.removeListener("abort", listener)
  }
  const signal = attempt.signal
  signal.addEventListener("abort", listener, { once: true })
  return () => signal.removeEventListener("abort", listener)
}

const utf8Bom = (bytes: Buffer) => bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf

/**
 * One request of core's attempt, on undici's handler API (`Dispatcher.dispatch`): the body is gathered
 * as it arrives, under the cap, and handed over whole with its text (UTF-8, a leading BOM dropped, as
 * `body.text()` does). No body stream, no `AsyncResource` and no signal listener of undici's per request:
 * the attempt's abort goes straight to the request's controller. Resolves once, never rejects: with the
 * response (its body read, or the failure that cut it), or with the failure of the request.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined
  private statusCode = 0
  private headers: Source["headers"] | undefined
  private readonly chunks: Array<Buffer> = []
  private total = 0
  private done = false
  private readonly stop: () => void
  private readonly request: HttpClientRequest.HttpClientRequest
  private readonly href: string
  private readonly attempt: Transport.Attempt
  private readonly resolve: (sent: Transport.Sent) => void

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    href: string,
    attempt: Transport.Attempt,
    resolve: (sent: Transport.Sent) => void
  ) {
    this.request = request
    this.href = href
    this.attempt = attempt
    this.resolve = resolve
    this.stop = onAbort(attempt, () => this.abort(abortReason(attempt)))
  }

  private abort(reason: unknown) {
    if (this.done) return
    if (this.controller !== undefined) this.controller.abort(reason as Error)
    else this.onResponseError(undefined, reason as Error)
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller
    // Read from the emitter where there is one: the attempt's `signal` is built on first read.
    const emitter = this.attempt.abort
    if (emitter !== undefined ? emitter.aborted : this.attempt.signal.aborted) {
      controller.abort(abortReason(this.attempt) as Error)
    }
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Source["headers"]
  ): void {
    // 1xx: informational, the response proper follows.
    if (statusCode < 200) return
    this.statusCode = statusCode
    this.headers = headers
    // A declared length past the cap: nothing is read (core reports the declared length).
    const declared = Number(headers["content-length"] ?? Number.NaN)
    if (declared > this.attempt.maxResponseBytes) {
      controller.abort(new Transport.BodyTooLarge(this.attempt.maxResponseBytes))
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.total += chunk.length
    if (this.total > this.attempt.maxResponseBytes) {
      controller.abort(new Transport.BodyTooLarge(this.attempt.maxResponseBytes))
    } else this.chunks.push(chunk)
  }

  onResponseEnd(): void {
    if (this.done) return
    const chunks = this.chunks
    const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.total)
    const text = bytes.toString("utf8", utf8Bom(bytes) ? 3 : 0)
    this.finish(new UndiciResponse(this.request, this.href, this.source(), { text, bytes }), text)
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return
    if (this.headers === undefined) {
      this.done = true
      this.stop()
      return this.resolve({ _tag: "Failure", error: transportError(this.request, error) })
    }
    // Failed while reading the body (a reset, the deadline, the cap): kept for `text`.
    this.finish(new UndiciResponse(this.request, this.href, this.source(), { cause: error }), undefined)
  }

  private source(): Source {
    return { statusCode: this.statusCode, headers: this.headers ?? {}, body: undefined }
  }

  private finish(response: UndiciResponse, text: string | undefined) {
    this.done = true
    this.stop()
    this.resolve({ _tag: "Response", response, text })
  }
}

/** Why an aborted attempt ended: its emitter's or its signal's reason. */
const abortReason = (attempt: Transport.Attempt): unknown =>
  attempt.abort !== undefined ? attempt.abort.reason : attempt.signal.reason

/** Undici's options for a request, or its failure when its body is one this client does not send. */
const optionsOf = (
  request: HttpClientRequest.HttpClientRequest,
  target: Transport.Target | URL
): Dispatcher.DispatchOptions | Transport.Sent => {
  const body = toBody(request.body)
  if (body === undefined) return { _tag: "Failure", error: encodeError(request) }
  return {
    method: request.method as Dispatcher.HttpMethod,
    origin: target.origin,
    path: target instanceof URL ? target.pathname + target.search : target.path,
    headers: request.headers,
    body
  }
}

/** One request of core's attempt, as a promise that never rejects (see {@link AttemptHandler}). */
const sendAttempt = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  target: Transport.Target | URL,
  attempt: Transport.Attempt
): Promise<Transport.Sent> => {
  const options = optionsOf(request, target)
  if ("_tag" in options) return Promise.resolve(options)
  // Undici reports options it refuses to the handler's `onResponseError` (dispatch does not throw).
  return new Promise((resolve) =>
    dispatcher.dispatch(options, new AttemptHandler(request, target.href, attempt, resolve))
  )
}

/**
 * One request outside core's attempts, through undici's callback form, as a promise that never rejects:
 * the response with its body unread.
 */
const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal
): Promise<Transport.Sent> => {
  const options = optionsOf(request, url)
  if ("_tag" in options) return Promise.resolve(options)
  return new Promise((resolve) => {
    // Undici calls back with an error for options it refuses too (it does not throw when given a callback).
    dispatcher.request({ ...options, signal }, (cause, source) => {
      if (cause) return resolve({ _tag: "Failure", error: transportError(request, cause) })
      // An error after the body was abandoned must not become an uncaught exception.
      source.body.on("error", noop)
      resolve({ _tag: "Response", response: new UndiciResponse(request, url.href, source, undefined), text: undefined })
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
 * `HttpClient.make` would add. Its abort (on the deadline, on interruption and on failure) goes to the
 * request's controller, and the body is gathered under the cap and handed over with its text, so the
 * service runs the whole attempt in one suspension with neither a per-request `AbortController` and
 * `FinalizationRegistry` entry, nor undici's body stream, nor an Effect step between sending and the
 * decoded value: measured by bench/src/effect4.ts.
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  Transport.makeClient({
    send: (request, target, attempt) => sendAttempt(dispatcher, request, target, attempt),
    otherwise: HttpClient.make((request, url, signal, fiber) => {
      const attempt = Context.getOrUndefined(fiber.context, Transport.CurrentAttempt)
      return suspendOn(() =>
        attempt === undefined ? send(dispatcher, request, url, signal) : sendAttempt(dispatcher, request, url, attempt)
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

/** A response's status and headers, and its body as a stream when it was not read ahead. */
interface Source {
  readonly statusCode: number
  readonly headers: Dispatcher.ResponseData["headers"]
  readonly body: Dispatcher.ResponseData["body"] | undefined
}

/** A body read ahead: its bytes and their text, or why it could not be read. */
type Read = { readonly text: string; readonly bytes: Buffer } | { readonly cause: unknown }

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId] = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId] = HttpClientResponse.TypeId
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: string
  readonly source: Source
  /** The body read ahead (core's attempts), or `undefined` while `source.body` streams it. */
  private readonly read: Read | undefined

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    url: string,
    source: Source,
    read: Read | undefined
  ) {
    super()
    this.request = request
    this.url = url
    this.source = source
    this.read = read
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
      return Effect.sync(() => this.source.body?.destroy())
    })
  }

  /** The body read ahead, as an Effect. */
  private fromRead<A>(read: Read, value: (read: { readonly text: string; readonly bytes: Buffer }) => A) {
    return "cause" in read ? Effect.fail(this.decodeError(read.cause)) : Effect.succeed(value(read))
  }

  private bytes: Promise<Buffer> | undefined
  /** The whole body, read once. */
  private readBytes(body: NonNullable<Source["body"]>): Promise<Buffer> {
    return this.bytes ??= body.bytes().then((bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  private cachedText: Effect.Effect<string, HttpClientError.HttpClientError> | undefined
  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    if (this.cachedText !== undefined) return this.cachedText
    if (this.read !== undefined) return this.cachedText = this.fromRead(this.read, (read) => read.text)
    const body = this.source.body!
    let text: Promise<string> | undefined
    return this.cachedText = this.consume(() =>
      text ??= this.bytes === undefined ? body.text() : this.readBytes(body).then((bytes) => bytes.toString("utf8"))
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
    if (this.read !== undefined) return this.fromRead(this.read, (read) => toArrayBuffer(read.bytes))
    const body = this.source.body!
    return this.consume(() => this.readBytes(body).then(toArrayBuffer))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    const toForm = (bytes: Buffer) => new Response(new Uint8Array(bytes), { headers: this.headers }).formData()
    if (this.read !== undefined) {
      return Effect.flatMap(
        this.fromRead(this.read, (read) => read.bytes),
        (bytes) => Effect.tryPromise({ try: () => toForm(bytes), catch: (cause) => this.decodeError(cause) })
      )
    }
    const body = this.source.body!
    return this.consume(() => this.readBytes(body).then(toForm))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    if (this.read !== undefined) {
      const read = this.read
      return "cause" in read ? Stream.fail(this.decodeError(read.cause)) : Stream.make<[Uint8Array]>(read.bytes)
    }
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
