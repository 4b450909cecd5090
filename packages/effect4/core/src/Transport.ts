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
import { Context, Effect, type Fiber, Layer } from "effect"
import { FetchHttpClient, HttpClient, HttpClientError, type HttpClientRequest, HttpClientResponse } from "effect/http"

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
}

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

/** The response with a capped body, unless a declared length under the cap already bounds it. */
const capped = (response: Response, maxBytes: number): Response => {
  if (response.body === null || nullBodyStatus(response.status)) return response
  const declared = Number(response.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(declared) && declared <= maxBytes && !response.headers.has("content-encoding")) return response
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
 * An `HttpClient` with a short path for core's requests, as in the Effect 3 line: a request executed
 * under {@link CurrentAttempt}, with the client span turned off (`HttpClient.TracerDisabledWhen`, as core
 * turns it off), a URL without query parameters or hash set apart, goes straight to `attempt` with the
 * attempt's signal as its only signal (no `AbortController` or unread-body tracking per request: core
 * aborts that signal when the attempt ends without success). Every other request goes to `otherwise`,
 * usually an `HttpClient.make` client with Effect's semantics.
 *
 * @example
 * ```ts
 * import { Transport } from "@lyzr-effect/effect4-core"
 * import { Effect } from "effect"
 * import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
 *
 * const send = (request: Parameters<Parameters<typeof HttpClient.make>[0]>[0], url: URL, signal: AbortSignal) =>
 *   Effect.tryPromise({
 *     try: () => fetch(url, { headers: request.headers, redirect: "manual", signal }),
 *     catch: (cause) =>
 *       new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
 *   }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
 *
 * const client = Transport.makeClient({
 *   attempt: (request, url, attempt) => send(request, url, attempt.signal),
 *   otherwise: HttpClient.make((request, url, signal) => send(request, url, signal))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeClient = (options: {
  readonly attempt: (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    attempt: Attempt,
    fiber: Fiber.Fiber<unknown, unknown>
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
  readonly otherwise: HttpClient.HttpClient
}): HttpClient.HttpClient => {
  const { attempt: send, otherwise } = options
  return HttpClient.makeWith<HttpClientError.HttpClientError, never, HttpClientError.HttpClientError, never>(
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
          return send(request, url, attempt, fiber as Fiber.Fiber<unknown, unknown>)
        })),
    Effect.succeed as HttpClient.HttpClient.Preprocess<HttpClientError.HttpClientError, never>
  )
}

const sendFetch = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  fiber: Fiber.Fiber<unknown, unknown>,
  signal: AbortSignal,
  attempt: Attempt | undefined
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const fetch = fiber.getRef(FetchHttpClient.Fetch)
  const init = Context.getOrUndefined(fiber.context, FetchHttpClient.RequestInit)
  return Effect.tryPromise({
    try: () => fetch(url, { ...init, method: request.method, headers: request.headers, redirect: "manual", signal }),
    catch: (cause) =>
      new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
  }).pipe(
    Effect.map((response) =>
      HttpClientResponse.fromWeb(request, attempt === undefined ? response : capped(response, attempt.maxResponseBytes))
    )
  )
}

/**
 * An `HttpClient` on the runtime's `fetch` that honours {@link CurrentAttempt}: the attempt's signal
 * aborts the request and its body, and the body is capped. It reads `FetchHttpClient.Fetch` and
 * `FetchHttpClient.RequestInit` from the fiber's context as Effect's fetch client does, and never follows
 * redirects itself (the service checks each one). Built with {@link makeClient}: core's requests take
 * its short path.
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
  attempt: (request, url, attempt, fiber) => sendFetch(request, url, fiber, attempt.signal, attempt),
  // Any other request: Effect's `HttpClient.make`; under an attempt (with the client span on) it still
  // takes the attempt's signal and cap.
  otherwise: HttpClient.make((request, url, signal, fiber) => {
    const attempt = Context.getOrUndefined(fiber.context, CurrentAttempt)
    return sendFetch(request, url, fiber as Fiber.Fiber<unknown, unknown>, attempt?.signal ?? signal, attempt)
  })
})

/**
 * {@link fetchClient} as the `HttpClient`, with {@link HonoursAttempt}.
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
  // Like `FetchHttpClient.layer`: a `Fetch` or `RequestInit` provided to this layer reaches each request.
  HttpClient.layerMergedContext(Effect.succeed(fetchClient)),
  Layer.succeed(HonoursAttempt, true)
)
