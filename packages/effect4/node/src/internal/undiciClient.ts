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
import { Context, Effect, Inspectable, Layer, Option, Pipeable, type Schema, Stream } from "effect"
import type { HttpBody, HttpClientRequest } from "effect/http"
import {
  Cookies,
  Headers,
  HttpClient,
  HttpClientError,
  HttpClientResponse,
  HttpIncomingMessage,
  UrlParams
} from "effect/http"
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

/** Builds an `HttpClient` that sends every request through `dispatcher`. */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal, fiber) => {
    const attempt = Context.getOrUndefined(fiber.context, Transport.CurrentAttempt)
    const body = toBody(request.body)
    if (body === undefined) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EncodeError({
            request,
            description: `this client sends no ${request.body._tag} bodies`
          })
        })
      )
    }
    return Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
      dispatcher.request({
        method: request.method as Dispatcher.HttpMethod,
        origin: url.origin,
        path: url.pathname + url.search,
        headers: request.headers,
        body,
        signal: attempt === undefined ? signal : AbortSignal.any([signal, attempt.signal])
      }).then(
        (source) => resume(Effect.succeed(new UndiciResponse(request, url.href, source, attempt?.maxResponseBytes))),
        (cause) => resume(Effect.fail(transportError(request, cause)))
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
  /** The cap to enforce while reading, or `undefined` when none is needed (none asked, or a length under it). */
  private readonly cap: number | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly url: string,
    readonly source: Source,
    maxBytes: number | undefined
  ) {
    super()
    // An error after the body was abandoned must not become an uncaught exception.
    source.body.on("error", noop)
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

  private cachedText: Effect.Effect<string, HttpClientError.HttpClientError> | undefined
  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    if (this.cachedText !== undefined) return this.cachedText
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
    return this.consume(() =>
      this.readBytes().then((bytes) =>
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
      )
    )
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
