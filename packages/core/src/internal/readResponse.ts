/**
 * A web `Response` whose body was read as text before the response was handed to core (the fetch
 * client's short path, for a body whose declared length is within the cap): `text` is ready, so the
 * call resumes once instead of twice, and the headers are converted once instead of at every read.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"

/** The body as read: its text, or why reading it failed (a reset, the attempt's deadline). */
export type Read = { readonly _tag: "Text"; readonly text: string } | {
  readonly _tag: "Failed"
  readonly cause: unknown
}

export class ReadResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly text: Effect.Effect<string, HttpClientError.ResponseError>

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Response,
    private readonly read: Read
  ) {
    super()
    this.text = read._tag === "Text" ? Effect.succeed(read.text) : Effect.fail(this.decodeError(read.cause))
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  get status(): number {
    return this.source.status
  }

  private cachedHeaders: Headers.Headers | undefined
  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers as unknown as Headers.Input)
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    return this.cachedCookies ??= Cookies.fromSetCookie(this.source.headers.getSetCookie())
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
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
    return Effect.map(this.text, (text) => new TextEncoder().encode(text).buffer as ArrayBuffer)
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.decodeError(new TypeError("the body was already read as text")))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    // The platform's own web response over the text: Stream's own constructors would bring most of
    // Stream into a Worker's bundle (≈ 30 KiB gzip); this one is there already.
    const read = this.read
    const body = read._tag === "Text" ? read.text : new ReadableStream({ start: (c) => c.error(read.cause) })
    return HttpClientResponse.fromWeb(this.request, new Response(body, { headers: this.source.headers })).stream
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
