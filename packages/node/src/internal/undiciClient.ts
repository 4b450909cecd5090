/**
 * A lean `HttpClient` on `undici`'s `Dispatcher.request`: no stream adapters and no `Effect.cached`
 * per response, headers converted once, bodies read with undici's own consumers.
 *
 * `HttpClient.make` keeps the platform's semantics around it: the request span, abort on interruption,
 * and an unread body aborted once its response is garbage-collected.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { Transport } from "@lyzr-effect/core"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"
import { Agent, type Dispatcher } from "undici"

/**
 * The pool: keep-alive connections per origin. No timeouts of undici's own: each attempt's deadline
 * comes from core as an `AbortSignal` (`Transport.CurrentAttempt`).
 */
export const makeDispatcher = (): Dispatcher =>
  new Agent({
    headersTimeout: 0,
    bodyTimeout: 0
  })

type RequestBody = Exclude<Dispatcher.DispatchOptions["body"], undefined>

const toBody = (body: HttpBody.HttpBody): RequestBody => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return body.body as RequestBody
    case "FormData":
      return body.formData as unknown as RequestBody
    case "Stream":
      return Readable.fromWeb(Stream.toReadableStream(body.stream as Stream.Stream<Uint8Array>) as never)
  }
}

const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal | Transport.AbortEmitter,
  maxBytes: number | undefined
): Promise<Transport.Sent> => {
  const failed = (reason: "Encode" | "Transport", cause: unknown): Transport.Sent => ({
    _tag: "Failure",
    error: new HttpClientError.RequestError({ request, reason, cause })
  })
  let body: RequestBody
  try {
    body = toBody(request.body)
  } catch (cause) {
    return Promise.resolve(failed("Encode", cause))
  }
  return new Promise((resolve) => {
    // Undici's callback form: no promise of its own per request, and none between the response and its
    // body. It calls back with an error for options it refuses too (it does not throw when given a callback).
    dispatcher.request({
      method: request.method as Dispatcher.HttpMethod,
      origin: url.origin,
      path: url.pathname + url.search,
      headers: request.headers,
      body,
      signal
    }, (cause, source) => {
      if (cause) return resolve(failed("Transport", cause))
      const response = new UndiciResponse(request, source, maxBytes)
      // Core's requests (a cap is set): a body whose declared length is within the cap is read before the
      // response is handed over, so the call resumes once instead of twice. Its failure (a reset, the
      // deadline) is kept for `text`, where core reads it as a failure of the body.
      if (maxBytes === undefined || !response.declaredWithin(maxBytes)) {
        return resolve({ _tag: "Response", response, text: undefined })
      }
      source.body.text().then(
        (text) => {
          response.preread = true
          response.cachedText = Effect.succeed(text)
          resolve({ _tag: "Response", response, text })
        },
        (cause: unknown) => {
          response.preread = true
          response.cachedText = Effect.fail(response.decodeError(cause))
          resolve({ _tag: "Response", response, text: undefined })
        }
      )
    })
  })
}

/** A send as an Effect, for requests outside core's attempts. */
const suspendOn = (sent: () => Promise<Transport.Sent>) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    sent().then((result) =>
      resume(result._tag === "Response" ? Effect.succeed(result.response) : Effect.fail(result.error))
    )
  })

/**
 * Builds an `HttpClient` that sends every request through `dispatcher`. Core's requests take the short
 * path of `Transport.makeClient` (the attempt's signal, its body cap); any other request gets
 * `HttpClient.make`'s semantics.
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  Transport.makeClient({
    // The attempt's abort as an EventEmitter where core gives one: undici listens to it for nothing.
    send: (request, url, attempt) =>
      send(dispatcher, request, url, attempt.abort ?? attempt.signal, attempt.maxResponseBytes),
    otherwise: HttpClient.make((request, url, signal) =>
      suspendOn(() => send(dispatcher, request, url, signal, undefined))
    )
  })

/**
 * The client on a fresh pool, destroyed (sockets closed) when the layer's scope closes; it honours
 * core's per-attempt deadline and body cap.
 */
export const layer: Layer.Layer<HttpClient.HttpClient | Transport.HonoursAttempt> = Layer.merge(
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.map(
      Effect.acquireRelease(Effect.sync(makeDispatcher), (dispatcher) => Effect.promise(() => dispatcher.destroy())),
      make
    )
  ),
  Layer.succeed(Transport.HonoursAttempt, true)
)

const noop = () => {}

type Source = Dispatcher.ResponseData

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Source,
    /** The body cap of core's attempt, if any: reading past it fails with `Transport.BodyTooLarge`. */
    readonly maxBytes: number | undefined = undefined
  ) {
    super()
    // An error after the body was abandoned must not become an uncaught exception.
    source.body.on("error", noop)
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
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  /** Whether the body's declared length (uncompressed) is within `max` bytes. */
  declaredWithin(max: number): boolean {
    const declared = Number(this.source.headers["content-length"] ?? Number.NaN)
    return Number.isFinite(declared) && declared <= max && this.source.headers["content-encoding"] === undefined
  }

  decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  /** One read of the body through an undici consumer; interruption destroys the body. */
  private consume<A>(read: (body: Source["body"]) => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      const body = this.source.body
      read(body).then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(() => body.destroy())
    })
  }

  /** Whether `send` read the body before handing the response over (then `text` holds it). */
  preread = false

  /** The body as text, once read (or set by `send` when it read the body first). */
  cachedText: Effect.Effect<string, HttpClientError.ResponseError> | undefined
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    if (this.cachedText !== undefined) return this.cachedText
    let promise: Promise<string> | undefined
    return this.cachedText = this.consume(() => promise ??= this.readText())
  }

  /** The body as text, within the cap: counted chunk by chunk unless a declared length already bounds it. */
  private readText(): Promise<string> {
    const max = this.maxBytes
    const body = this.source.body
    if (max === undefined || this.declaredWithin(max)) return body.text()
    return new Promise<string>((resolve, reject) => {
      const decoder = new TextDecoder()
      let total = 0
      let out = ""
      body.on("data", (chunk: Buffer) => {
        total += chunk.byteLength
        if (total > max) {
          body.destroy()
          reject(new Transport.BodyTooLarge(max))
          return
        }
        out += decoder.decode(chunk, { stream: true })
      })
      body.on("end", () => resolve(out + decoder.decode()))
      body.on("error", reject)
    })
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) => {
      try {
        return Effect.succeed(text === "" ? null : JSON.parse(text) as unknown)
      } catch (cause) {
        return Effect.fail(this.decodeError(cause))
      }
    })
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    if (this.preread) return Effect.map(this.text, (text) => new TextEncoder().encode(text).buffer as ArrayBuffer)
    return this.consume((body) => body.arrayBuffer())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.consume((body) => body.formData() as Promise<FormData>)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    if (this.preread) return Stream.fromEffect(Effect.map(this.text, (text) => new TextEncoder().encode(text)))
    return Stream.fromAsyncIterable(
      this.source.body as AsyncIterable<Uint8Array>,
      (cause) => this.decodeError(cause)
    )
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
