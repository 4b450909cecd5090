/**
 * What the service can hand to the `HttpClient` under it, so the happy path stays a few Effect steps: each
 * attempt's deadline as an `AbortSignal` and the body cap. A client that honours both (the adapters'
 * clients do; `Transport.layerFetch` is one for any runtime with `fetch`) says so with
 * {@link HonoursAttempt}, and the service then runs no timeout fiber and no byte counting of its own.
 * Any other `HttpClient` works too: the service then enforces the deadline with `Effect.timeoutOrElse` (so
 * `TestClock` drives it) and the cap after reading.
 *
 * @since 0.1.0
 */
import { Transport as WireTransport } from "@lyzr-effect/wire"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import { markSend } from "./internal/attemptClient.ts"
import { ReadResponse } from "./internal/readResponse.ts"

/**
 * One attempt's limits.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 *
 * const attempt: Transport.Attempt = { signal: AbortSignal.timeout(30_000), maxResponseBytes: 8 * 1024 * 1024 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Attempt {
  /**
   * Aborts when the attempt's deadline passes (its reason is a `TimeoutError` DOMException), and when the
   * attempt ends without a value (interrupted, or failed before its body was read). A client uses it for the
   * request and its body in place of the signal `HttpClient.make` hands it: one signal, no
   * `AbortSignal.any` (which costs tens of microseconds a request in Node).
   */
  readonly signal: AbortSignal
  /** Bodies past this many bytes fail with {@link BodyTooLarge} as the cause. */
  readonly maxResponseBytes: number
  /**
   * The `RequestInit` the service's layer was built with (`FetchHttpClient.RequestInit`, with
   * `redirect: "manual"`), for fetch-based clients; it wins over one in the call's context.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/effect4-core"
   *
   * const attempt: Transport.Attempt = {
   *   signal: AbortSignal.timeout(30_000),
   *   maxResponseBytes: 8 * 1024 * 1024,
   *   requestInit: { redirect: "manual" }
   * }
   * ```
   *
   * @since 0.1.0
   */
  readonly requestInit?: RequestInit | undefined
  /**
   * The same abort as `signal`, in Node's `EventEmitter` shape, which undici takes as a request's
   * `signal`. Listening to it costs next to nothing, where a listener on an `AbortSignal` costs
   * microseconds a request on older Node versions; the service's attempts give it, and `signal` is then
   * made only when read.
   *
   * @since 0.1.0
   */
  readonly abort?: AbortEmitter | undefined
}

/**
 * An abort in Node's `EventEmitter` shape (the wire's): `aborted` and `reason` as on an `AbortSignal`,
 * and one event, `"abort"`, emitted once.
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/effect4-core"
 *
 * const log = (attempt: Transport.Attempt) => attempt.abort?.once("abort", () => console.log("aborted"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AbortEmitter = WireTransport.AbortEmitter

/**
 * Where a request of core's attempt goes: `href` (the text sent), the same as `origin` and `path` (with
 * the query) for an HTTP/1.1 client, and `url`, parsed from `href` only when read. Core builds each one
 * from its base URL without parsing (the wire's `Transport.Target`).
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/effect4-core"
 *
 * const describe = (target: Transport.Target) => `${target.origin} ${target.path}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Target = WireTransport.Target

/**
 * How a client's {@link makeClient} `send` ends: the response (with its body's text when the body was
 * read in full, within the cap, before the response was handed over), or the request's failure.
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/effect4-core"
 * import { HttpClientRequest, HttpClientResponse } from "effect/http"
 *
 * const request = HttpClientRequest.get("https://example.com/")
 * const sent: Transport.Sent = {
 *   _tag: "Response",
 *   response: HttpClientResponse.fromWeb(request, new Response("{}")),
 *   text: undefined
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Sent =
  | {
    readonly _tag: "Response"
    readonly response: HttpClientResponse.HttpClientResponse
    /** The whole body, when it was read before the response was handed over; `undefined` otherwise. */
    readonly text: string | undefined
  }
  | { readonly _tag: "Failure"; readonly error: HttpClientError.HttpClientError }

/**
 * The current attempt's limits, in the context of the fiber that executes the request (as
 * `FetchHttpClient.RequestInit` is). Only present when the client {@link HonoursAttempt}.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 * import { Context, Effect } from "effect"
 * import { HttpClient, HttpClientResponse } from "effect/http"
 *
 * // inside a client built with HttpClient.make, the fiber's context holds the attempt
 * const client = HttpClient.make((request, url, signal, fiber) => {
 *   const attempt = Context.getOrUndefined(fiber.context, Transport.CurrentAttempt)
 *   const deadline = attempt === undefined ? signal : attempt.signal
 *   return Effect.promise(() => fetch(url, { headers: request.headers, signal: deadline })).pipe(
 *     Effect.map((response) => HttpClientResponse.fromWeb(request, response))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentAttempt extends Context.Service<CurrentAttempt, Attempt>()(
  "@lyzr-effect/effect4-core/Transport/CurrentAttempt"
) {}

/**
 * Provided beside an `HttpClient` that reads {@link CurrentAttempt}: it aborts at the deadline and
 * fails a body past the cap with {@link BodyTooLarge}.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 * import { Layer } from "effect"
 *
 * const marker = Layer.succeed(Transport.HonoursAttempt, true)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class HonoursAttempt extends Context.Service<HonoursAttempt, true>()(
  "@lyzr-effect/effect4-core/Transport/HonoursAttempt"
) {}

/**
 * The cause a client gives when a body passes the cap.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 *
 * const cause = new Transport.BodyTooLarge(1024)
 * cause.message // "the response body passed the 1024-byte cap"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class BodyTooLarge extends Error {
  /**
   * The cap that was passed.
   *
   * @example
   * ```ts
   * import { Transport } from "@lyzr-effect/effect4-core"
   *
   * new Transport.BodyTooLarge(1024).maxBytes // 1024
   * ```
   *
   * @since 0.1.0
   */
  readonly maxBytes: number
  constructor(maxBytes: number) {
    super(`the response body passed the ${maxBytes}-byte cap`)
    this.name = "BodyTooLarge"
    this.maxBytes = maxBytes
  }
}

/**
 * A web `ReadableStream` of bytes cut off with {@link BodyTooLarge} past `maxBytes`.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 *
 * const capped = new Response(Transport.capStream(new Response("hello").body!, 3))
 * // await capped.text() rejects with BodyTooLarge
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const capStream = (body: ReadableStream<Uint8Array>, maxBytes: number): ReadableStream<Uint8Array> => {
  let total = 0
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength
        if (total > maxBytes) controller.error(new BodyTooLarge(maxBytes))
        else controller.enqueue(chunk)
      }
    })
  )
}

const nullBodyStatus = (status: number) => status === 101 || status === 204 || status === 205 || status === 304

/** Whether the body's declared length (uncompressed) is within `maxBytes`. */
const declaredWithin = (response: Response, maxBytes: number): boolean => {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  return Number.isFinite(declared) && declared <= maxBytes && !response.headers.has("content-encoding")
}

/** The response with a capped body, unless a declared length under the cap already bounds it. */
const capped = (response: Response, maxBytes: number): Response => {
  if (response.body === null || nullBodyStatus(response.status)) return response
  if (declaredWithin(response, maxBytes)) return response
  try {
    return new Response(capStream(response.body, maxBytes), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    })
  } catch {
    return response
  }
}

/**
 * What a client's short path does for one request of core's attempt, as an Effect.
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 * import { HttpClientError } from "effect/http"
 *
 * const refuse: Transport.AttemptSend = (request) =>
 *   Effect.fail(
 *     new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request }) })
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptSend = (
  request: HttpClientRequest.HttpClientRequest,
  target: Target,
  attempt: Attempt,
  fiber: Fiber.Fiber<unknown, unknown>
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>

/**
 * What a client's short path does for one request of core's attempt, as a promise that never rejects.
 * Core then runs the whole attempt in one suspension: on the happy path no Effect step is taken
 * between sending and the decoded value.
 *
 * @example
 * ```ts
 * import type { Transport } from "@lyzr-effect/effect4-core"
 * import { HttpClientError, HttpClientResponse } from "effect/http"
 *
 * const send: Transport.PromiseSend = (request, target, attempt) =>
 *   fetch(target.href, { headers: request.headers, redirect: "manual", signal: attempt.signal }).then(
 *     (response): Transport.Sent => ({
 *       _tag: "Response",
 *       response: HttpClientResponse.fromWeb(request, response),
 *       text: undefined
 *     }),
 *     (cause): Transport.Sent => ({
 *       _tag: "Failure",
 *       error: new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
 *     })
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseSend = (
  request: HttpClientRequest.HttpClientRequest,
  target: Target,
  attempt: Attempt,
  fiber: Fiber.Fiber<unknown, unknown>
) => Promise<Sent>

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })

/** A send as an Effect: one suspension, resumed with the response or the failure. */
const suspendOn = (request: HttpClientRequest.HttpClientRequest, send: () => Promise<Sent>) =>
  Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    send().then(
      (sent) => resume(sent._tag === "Response" ? Effect.succeed(sent.response) : Effect.fail(sent.error)),
      (cause) => resume(Effect.fail(transportError(request, cause)))
    )
  })

const fromPromise = (send: PromiseSend): AttemptSend => (request, target, attempt, fiber) =>
  suspendOn(request, () => send(request, target, attempt, fiber))

/**
 * An `HttpClient` with a short path for core's requests, as in the Effect 3 line: a request executed
 * under {@link CurrentAttempt}, with the client span turned off (`HttpClient.TracerDisabledWhen`, as core
 * turns it off), a URL without query parameters or hash set apart, goes straight to `attempt` (or
 * `send`) with the attempt's signal as its only signal (no `AbortController` or unread-body tracking per
 * request: core aborts that signal when the attempt ends without success). Every other request goes to
 * `otherwise`, usually an `HttpClient.make` client with Effect's semantics. A client given `send` (a
 * promise that never rejects) lets core run each attempt in one suspension.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 * import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
 *
 * const send = (request: Parameters<Parameters<typeof HttpClient.make>[0]>[0], url: URL | string, signal: AbortSignal) =>
 *   Effect.tryPromise({
 *     try: () => fetch(url, { headers: request.headers, redirect: "manual", signal }),
 *     catch: (cause) =>
 *       new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
 *   }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
 *
 * const client = Transport.makeClient({
 *   attempt: (request, target, attempt) => send(request, target.href, attempt.signal),
 *   otherwise: HttpClient.make((request, url, signal) => send(request, url, signal))
 * })
 *
 * // The same short path as a promise that never rejects: core runs each attempt in one suspension.
 * const direct = Transport.makeClient({
 *   send: (request, target, attempt) =>
 *     fetch(target.href, { headers: request.headers, redirect: "manual", signal: attempt.signal }).then(
 *       (response): Transport.Sent => ({
 *         _tag: "Response",
 *         response: HttpClientResponse.fromWeb(request, response),
 *         text: undefined
 *       }),
 *       (cause): Transport.Sent => ({
 *         _tag: "Failure",
 *         error: new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
 *       })
 *     ),
 *   otherwise: client
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient = (
  options:
    | { readonly attempt: AttemptSend; readonly send?: undefined; readonly otherwise: HttpClient.HttpClient }
    | {
      readonly send: PromiseSend
      readonly attempt?: AttemptSend | undefined
      readonly otherwise: HttpClient.HttpClient
    }
): HttpClient.HttpClient => {
  const { otherwise } = options
  const send = options.attempt ?? fromPromise(options.send!)
  return markSend(
    HttpClient.makeWith<HttpClientError.HttpClientError, never, HttpClientError.HttpClientError, never>(
      (effect) =>
        Effect.flatMap(effect, (request) =>
          Effect.withFiber((fiber) => {
            const attempt = Context.getOrUndefined(fiber.context, CurrentAttempt)
            if (
              attempt === undefined || request.urlParams.params.length > 0 || request.hash._tag === "Some" ||
              !fiber.getRef(HttpClient.TracerDisabledWhen)(request)
            ) {
              return otherwise.execute(request)
            }
            let url: URL
            try {
              url = new URL(request.url)
            } catch {
              // `otherwise` reports the URL as Effect's clients do.
              return otherwise.execute(request)
            }
            return send(request, WireTransport.Target.fromUrl(url), attempt, fiber as Fiber.Fiber<unknown, unknown>)
          })),
      Effect.succeed as HttpClient.HttpClient.Preprocess<HttpClientError.HttpClientError, never>
    ),
    options.send
  )
}

/**
 * One fetch, never rejecting. With a cap (core's requests) the body is capped, and with `preread` a body
 * whose declared length is within the cap is read before the response is handed over, so the call
 * resumes once; its failure is kept for `text`, as a failure of the body.
 */
const sendFetch = (
  request: HttpClientRequest.HttpClientRequest,
  href: string,
  fiber: Fiber.Fiber<unknown, unknown>,
  signal: AbortSignal,
  maxBytes: number | undefined,
  requestInit: RequestInit | undefined,
  preread: boolean
): Promise<Sent> => {
  const fetch = fiber.getRef(FetchHttpClient.Fetch)
  const init = requestInit ?? Context.getOrUndefined(fiber.context, FetchHttpClient.RequestInit)
  const failed = (cause: unknown): Sent => ({ _tag: "Failure", error: transportError(request, cause) })
  let sent: Promise<Response>
  try {
    sent = fetch(href, { ...init, method: request.method, headers: request.headers, redirect: "manual", signal })
  } catch (cause) {
    return Promise.resolve(failed(cause))
  }
  return sent.then(
    (response): Sent | Promise<Sent> => {
      if (maxBytes === undefined) {
        return { _tag: "Response", response: HttpClientResponse.fromWeb(request, response), text: undefined }
      }
      if (preread && response.body !== null && declaredWithin(response, maxBytes)) {
        const url = response.url === "" ? href : response.url.split("#")[0]!
        return response.text().then(
          (text): Sent => ({
            _tag: "Response",
            response: new ReadResponse(request, url, response, { _tag: "Text", text }),
            text
          }),
          (cause): Sent => ({
            _tag: "Response",
            response: new ReadResponse(request, url, response, { _tag: "Failed", cause }),
            text: undefined
          })
        )
      }
      return {
        _tag: "Response",
        response: HttpClientResponse.fromWeb(request, capped(response, maxBytes)),
        text: undefined
      }
    },
    failed
  )
}

/**
 * An `HttpClient` on the runtime's `fetch` that honours {@link CurrentAttempt}: the attempt's signal
 * aborts the request and its body, and the body is capped. It reads `FetchHttpClient.Fetch` and
 * `FetchHttpClient.RequestInit` from the fiber's context as Effect's fetch client does (an attempt's own
 * {@link Attempt.requestInit} wins), and never follows redirects itself (the service checks each one).
 * Built with {@link makeClient}'s promise `send`: core runs each of its attempts in one suspension, and a
 * body whose declared length is within the cap is read before the response is handed over.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 * import { Layer } from "effect"
 * import { HttpClient } from "effect/http"
 *
 * const FetchLive = Layer.succeed(HttpClient.HttpClient, Transport.fetchClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fetchClient: HttpClient.HttpClient = makeClient({
  send: (request, target, attempt, fiber) =>
    sendFetch(request, target.href, fiber, attempt.signal, attempt.maxResponseBytes, attempt.requestInit, true),
  // Any other request: Effect's `HttpClient.make`; under an attempt (with the client span on) it still
  // takes the attempt's signal and cap.
  otherwise: HttpClient.make((request, url, signal, fiber) => {
    const attempt = Context.getOrUndefined(fiber.context, CurrentAttempt)
    return suspendOn(request, () =>
      sendFetch(
        request,
        url.href,
        fiber as Fiber.Fiber<unknown, unknown>,
        attempt?.signal ?? signal,
        attempt?.maxResponseBytes,
        attempt?.requestInit,
        false
      ))
  })
})

/**
 * {@link fetchClient} as the `HttpClient`, with {@link HonoursAttempt}. Like `FetchHttpClient.layer`, a
 * `FetchHttpClient.Fetch` or `FetchHttpClient.RequestInit` provided to this layer reaches each request
 * (one provided where the request runs wins); with neither, the layer's client is {@link fetchClient}
 * itself, so core runs each attempt on its promise send, in one suspension.
 *
 * @example
 * ```ts
 * import { AgentSessions, Transport } from "@lyzr-effect/effect4-core"
 * import { Layer } from "effect"
 *
 * const AgentSessionsLive = AgentSessions.layer({ apiKey: process.env.LYZR_API_KEY ?? "" }).pipe(
 *   Layer.provide(Transport.layerFetch)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFetch: Layer.Layer<HttpClient.HttpClient | HonoursAttempt> = Layer.mergeAll(
  Layer.effect(HttpClient.HttpClient)(Effect.contextWith((context: Context.Context<never>) =>
    Effect.succeed(
      Context.getOrUndefined(context, FetchHttpClient.Fetch) === undefined &&
        Context.getOrUndefined(context, FetchHttpClient.RequestInit) === undefined
        // Nothing of the layer's to add (the adapters provide neither): the client itself, whose send core
        // recognises. A client wrapped per request (below) has no send, and each attempt takes Effect steps.
        ? fetchClient
        // As `HttpClient.layerMergedContext` does: the layer's context under each request's.
        : HttpClient.transformResponse(
          fetchClient,
          Effect.updateContext((input: Context.Context<never>) => Context.merge(context, input))
        )
    )
  )),
  Layer.succeed(HonoursAttempt, true)
)
