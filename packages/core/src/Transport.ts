/**
 * What core can hand to the `HttpClient` under it, so the happy path stays a few Effect steps: each
 * attempt's deadline as an `AbortSignal` and the body cap. A client that honours both (the adapters'
 * clients do; `Transport.layerFetch` is one for any runtime with `fetch`) says so with
 * {@link HonoursAttempt}, and core then runs no timeout fiber and no byte-counting stream of its own.
 * Any other `HttpClient` works too: core then enforces the deadline with `Effect.timeoutFail` (so
 * `TestClock` drives it) and the cap after reading.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import type { Transport as WireTransport } from "@lyzr-effect/wire"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { markAttemptClient } from "./internal/attemptClient.ts"
import { ReadResponse } from "./internal/readResponse.ts"

/**
 * One attempt's limits.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/core"
 *
 * const attempt: Transport.Attempt = { signal: AbortSignal.timeout(30_000), maxResponseBytes: 8 * 1024 * 1024 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Attempt {
  /**
   * Aborts when the attempt's deadline passes (its reason is a `TimeoutError` DOMException), and when
   * the attempt ends without success (failed or interrupted), which cancels a request still in flight
   * and drops a body left unread. A client needs no signal of its own for core's requests.
   */
  readonly signal: AbortSignal
  /** Bodies past this many bytes fail with {@link BodyTooLarge} as the cause. */
  readonly maxResponseBytes: number
  /**
   * The `RequestInit` the service's layer was built with (`FetchHttpClient.RequestInit`, with
   * `redirect: "manual"`), for fetch-based clients; it wins over one in the call's context.
   *
   * @since 0.1.0
   */
  readonly requestInit?: RequestInit | undefined
  /**
   * The same abort as `signal`, in Node's `EventEmitter` shape, which undici takes as a request's
   * `signal`. Listening to it costs next to nothing, where a listener on an `AbortSignal` costs
   * microseconds a request on Node 20; core's attempts give it, and `signal` is then made only when read.
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
 * import type { Transport } from "@lyzr-effect/core"
 *
 * const log = (attempt: Transport.Attempt) => attempt.abort?.once("abort", () => console.log("aborted"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AbortEmitter = WireTransport.AbortEmitter

/**
 * How a client's {@link makeClient} `send` ends: the response (with its body's text when the body was
 * read in full, within the cap, before the response was handed over), or the request's failure.
 *
 * @example
 * ```ts
 * import { HttpClientError, HttpClientRequest, HttpClientResponse } from "@effect/platform"
 * import type { Transport } from "@lyzr-effect/core"
 *
 * const request = HttpClientRequest.get("https://agent-prod.studio.lyzr.ai/v1/agent/agt_1/sessions")
 * const read: Transport.Sent = {
 *   _tag: "Response",
 *   response: HttpClientResponse.fromWeb(request, new Response("[]")),
 *   text: "[]"
 * }
 * const refused: Transport.Sent = {
 *   _tag: "Failure",
 *   error: new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("ECONNREFUSED") })
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
 * import { HttpClient } from "@effect/platform"
 * import { Transport } from "@lyzr-effect/core"
 *
 * // inside a client built with HttpClient.make((request, url, signal, fiber) => ...)
 * const limitsOf = (fiber: { readonly currentContext: import("effect").Context.Context<never> }) =>
 *   fiber.currentContext.unsafeMap.get(Transport.CurrentAttempt.key) as Transport.Attempt | undefined
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentAttempt extends Context.Tag("@lyzr-effect/core/Transport/CurrentAttempt")<
  CurrentAttempt,
  Attempt
>() {}

/**
 * Provided beside an `HttpClient` that reads {@link CurrentAttempt}: it aborts at the deadline and
 * fails a body past the cap with {@link BodyTooLarge}.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/core"
 * import { Layer } from "effect"
 *
 * const marker = Layer.succeed(Transport.HonoursAttempt, true)
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class HonoursAttempt extends Context.Tag("@lyzr-effect/core/Transport/HonoursAttempt")<
  HonoursAttempt,
  true
>() {}

/**
 * The cause a client gives when a body passes the cap.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/core"
 *
 * const cause = new Transport.BodyTooLarge(1024)
 * cause.message // "the response body passed the 1024-byte cap"
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the response body passed the ${maxBytes}-byte cap`)
    this.name = "BodyTooLarge"
  }
}

const attemptKey = CurrentAttempt.key

/**
 * A web `ReadableStream` of bytes cut off with {@link BodyTooLarge} past `maxBytes`.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/core"
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
 * import { HttpClientError, HttpClientResponse } from "@effect/platform"
 * import type { Transport } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * const attempt: Transport.AttemptSend = (request, url, limits) =>
 *   Effect.tryPromise({
 *     try: () => fetch(url, { headers: request.headers, redirect: "manual", signal: limits.signal }),
 *     catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
 *   }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AttemptSend = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  attempt: Attempt,
  fiber: Fiber.RuntimeFiber<unknown, unknown>
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>

/**
 * What a client's short path does for one request of core's attempt, as a promise that never rejects.
 * Core then runs the whole attempt in one suspension: on the happy path no Effect step is taken
 * between sending and the decoded value.
 *
 * @example
 * ```ts
 * import { HttpClientError, HttpClientResponse } from "@effect/platform"
 * import type { Transport } from "@lyzr-effect/core"
 *
 * const send: Transport.PromiseSend = (request, url, limits) =>
 *   fetch(url, { headers: request.headers, redirect: "manual", signal: limits.signal }).then(
 *     (response): Transport.Sent => ({
 *       _tag: "Response",
 *       response: HttpClientResponse.fromWeb(request, response),
 *       text: undefined
 *     }),
 *     (cause): Transport.Sent => ({
 *       _tag: "Failure",
 *       error: new HttpClientError.RequestError({ request, reason: "Transport", cause })
 *     })
 *   )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseSend = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  attempt: Attempt,
  fiber: Fiber.RuntimeFiber<unknown, unknown>
) => Promise<Sent>

/** A send as an Effect: one suspension, resumed with the response or the failure. */
const suspendOn = (request: HttpClientRequest.HttpClientRequest, send: () => Promise<Sent>) =>
  Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    send().then(
      (sent) => resume(sent._tag === "Response" ? Effect.succeed(sent.response) : Effect.fail(sent.error)),
      (cause) => resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    )
  })

const fromPromise = (send: PromiseSend): AttemptSend => (request, url, attempt, fiber) =>
  suspendOn(request, () => send(request, url, attempt, fiber))

/**
 * An `HttpClient` with a short path for core's requests: a request executed under
 * {@link CurrentAttempt} goes straight to `attempt` (or `send`), with the attempt's signal as its only
 * signal (no `AbortController`, span or `FinalizationRegistry` entry per request: core aborts that
 * signal when the attempt ends without success, which cancels the request and drops an unread body).
 * Every other request goes to `otherwise`, usually an `HttpClient.make` client with the platform's
 * semantics. A client given `send` (a promise) lets core run each attempt in one suspension.
 *
 * @example
 * ```ts
 * import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
 * import { Transport } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * const send = (url: URL, init: RequestInit) => fetch(url, { ...init, redirect: "manual" })
 * const client = Transport.makeClient({
 *   attempt: (request, url, attempt) =>
 *     Effect.tryPromise({
 *       try: () => send(url, { headers: request.headers, signal: attempt.signal }),
 *       catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
 *     }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response))),
 *   otherwise: HttpClient.make((request, url, signal) =>
 *     Effect.tryPromise({
 *       try: () => send(url, { headers: request.headers, signal }),
 *       catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
 *     }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
 *   )
 * })
 *
 * // The same short path as a promise that never rejects: core runs each attempt in one suspension.
 * const direct = Transport.makeClient({
 *   send: (request, url, attempt) =>
 *     send(url, { headers: request.headers, signal: attempt.signal }).then(
 *       (response): Transport.Sent => ({
 *         _tag: "Response",
 *         response: HttpClientResponse.fromWeb(request, response),
 *         text: undefined
 *       }),
 *       (cause): Transport.Sent => ({
 *         _tag: "Failure",
 *         error: new HttpClientError.RequestError({ request, reason: "Transport", cause })
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
    | { readonly send: PromiseSend; readonly attempt?: AttemptSend; readonly otherwise: HttpClient.HttpClient }
): HttpClient.HttpClient => {
  const { otherwise } = options
  const send = options.attempt ?? fromPromise(options.send!)
  return markAttemptClient(
    HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (effect) =>
        Effect.flatMap(
          effect,
          (request) =>
            Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
              const attempt = fiber.currentContext.unsafeMap.get(attemptKey) as Attempt | undefined
              if (attempt === undefined) return otherwise.execute(request)
              const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
              return url._tag === "Left"
                ? Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
                : send(request, url.right, attempt, fiber)
            })
        ),
      Effect.succeed
    ),
    options.send
  )
}

/** The runtime's `fetch` and the `RequestInit` in context, as the platform's fetch client reads them. */
const fetchOf = (fiber: Fiber.RuntimeFiber<unknown, unknown>) => {
  const context = fiber.currentContext.unsafeMap
  return {
    fetch: (context.get(FetchHttpClient.Fetch.key) ?? globalThis.fetch) as typeof globalThis.fetch,
    init: (context.get(FetchHttpClient.RequestInit.key) ?? {}) as RequestInit
  }
}

const sendFetch = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  signal: AbortSignal,
  maxBytes: number | undefined,
  requestInit: RequestInit | undefined
): Promise<Sent> => {
  const { fetch, init } = fetchOf(fiber)
  const failed = (cause: unknown): Sent => ({
    _tag: "Failure",
    error: new HttpClientError.RequestError({ request, reason: "Transport", cause })
  })
  let sent: Promise<Response>
  try {
    sent = fetch(url, {
      ...(requestInit ?? init),
      method: request.method,
      headers: request.headers,
      redirect: "manual",
      signal
    })
  } catch (cause) {
    return Promise.resolve(failed(cause))
  }
  return sent.then(
    (response): Sent | Promise<Sent> => {
      if (maxBytes === undefined) {
        return { _tag: "Response", response: HttpClientResponse.fromWeb(request, response), text: undefined }
      }
      // Core's requests: a body whose declared length is within the cap is read before the response is
      // handed over, so the call resumes once; its failure is kept for `text`, as a failure of the body.
      if (response.body !== null && declaredWithin(response, maxBytes)) {
        return response.text().then(
          (text): Sent => ({
            _tag: "Response",
            response: new ReadResponse(request, response, { _tag: "Text", text }),
            text
          }),
          (cause): Sent => ({
            _tag: "Response",
            response: new ReadResponse(request, response, { _tag: "Failed", cause }),
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
 * `FetchHttpClient.RequestInit` from context as the platform's fetch client does, and never follows
 * redirects itself (core checks each one). Built with {@link makeClient}: requests outside an attempt
 * get `HttpClient.make`'s semantics (abort on interruption, unread bodies released).
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/core"
 * import { HttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const FetchLive = Layer.succeed(HttpClient.HttpClient, Transport.fetchClient)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fetchClient: HttpClient.HttpClient = makeClient({
  send: (request, url, attempt, fiber) =>
    sendFetch(request, url, fiber, attempt.signal, attempt.maxResponseBytes, attempt.requestInit),
  otherwise: HttpClient.make((request, url, signal, fiber) =>
    suspendOn(request, () => sendFetch(request, url, fiber, signal, undefined, undefined))
  )
})

/**
 * {@link fetchClient} as the `HttpClient`, with {@link HonoursAttempt}.
 *
 * @example
 * ```ts
 * import { AgentSessions, Transport } from "@lyzr-effect/core"
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
  Layer.succeed(HttpClient.HttpClient, fetchClient),
  Layer.succeed(HonoursAttempt, true)
)
