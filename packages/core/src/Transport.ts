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
import { Context, Effect, Layer } from "effect"

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
  /** Aborts when the attempt's deadline passes (its reason is a `TimeoutError` DOMException). */
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

const anySignal = (a: AbortSignal, b: AbortSignal | undefined): AbortSignal =>
  b === undefined ? a : AbortSignal.any([a, b])

/**
 * An `HttpClient` on the runtime's `fetch` that honours {@link CurrentAttempt}: the attempt's signal
 * aborts the request and its body, and the body is capped. It reads `FetchHttpClient.Fetch` and
 * `FetchHttpClient.RequestInit` from context as the platform's fetch client does, and never follows
 * redirects itself (core checks each one).
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
export const fetchClient: HttpClient.HttpClient = HttpClient.make((request, url, signal, fiber) => {
  const context = fiber.currentContext.unsafeMap
  const fetch: typeof globalThis.fetch = context.get(FetchHttpClient.Fetch.key) ?? globalThis.fetch
  const init: RequestInit = context.get(FetchHttpClient.RequestInit.key) ?? {}
  const attempt = context.get(attemptKey) as Attempt | undefined
  return Effect.tryPromise({
    try: () =>
      fetch(url, {
        ...init,
        method: request.method,
        headers: request.headers,
        redirect: "manual",
        signal: anySignal(signal, attempt?.signal)
      }),
    catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
  }).pipe(Effect.map((response) =>
    HttpClientResponse.fromWeb(
      request as HttpClientRequest.HttpClientRequest,
      attempt === undefined ? response : capped(response, attempt.maxResponseBytes)
    )
  ))
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
