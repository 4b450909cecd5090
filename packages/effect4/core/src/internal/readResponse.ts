/**
 * A web `Response` whose body was read as text before the response was handed to core (the fetch
 * client's short path, for a body whose declared length is within the cap): `text` is ready, so the
 * call resumes once instead of twice, and the headers are converted once instead of at every read.
 */
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Pipeable from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"

/** The body as read: its text, or why reading it failed (a reset, the attempt's deadline). */
export type Read = { readonly _tag: "Text"; readonly text: string } | {
  readonly _tag: "Failed"
  readonly cause: unknown
}

export class ReadResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId] = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId] = HttpClientResponse.TypeId
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: string
  readonly source: Response
  readonly text: Effect.Effect<string, HttpClientError.HttpClientError>
  private readonly read: Read

  constructor(request: HttpClientRequest.HttpClientRequest, url: string, source: Response, read: Read) {
    super()
    this.request = request
    this.url = url
    this.source = source
    this.read = read
    this.text = read._tag === "Text" ? Effect.succeed(read.text) : Effect.fail(this.decodeError(read.cause))
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })
  }

  get status(): number {
    return this.source.status
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    return this.cachedCookies ??= Cookies.fromSetCookie(this.source.headers.getSetCookie?.() ?? [])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
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
    return Effect.map(this.text, (text) => new TextEncoder().encode(text).buffer as ArrayBuffer)
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.fail(this.decodeError(new TypeError("the body was already read as text")))
  }

  /** The platform's own web response over the text. */
  private get web(): HttpClientResponse.HttpClientResponse {
    const read = this.read
    const body = read._tag === "Text" ? read.text : new ReadableStream({ start: (c) => c.error(read.cause) })
    return HttpClientResponse.fromWeb(this.request, new Response(body, { headers: this.source.headers }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return this.web.stream
  }

  get upgrade(): HttpClientResponse.HttpClientResponse["upgrade"] {
    return this.web.upgrade
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }

  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  }
}
