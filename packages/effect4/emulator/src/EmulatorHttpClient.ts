/**
 * An Effect 4 `HttpClient` that sends every request to an emulator in process:
 * no sockets, no ports, and `latency` / `hang` on Effect's clock, so tests can
 * drive them with `TestClock`. The Effect 4 twin of `@lyzr-effect/emulator`'s
 * `EmulatorHttpClient` (which is built on Effect 3's `@effect/platform`).
 *
 * - `reset` (before headers) fails with `HttpClientError` whose `reason` is a
 *   `TransportError`; `reset` mid-body fails while reading the body (`reason`:
 *   `DecodeError`).
 * - `hang` never completes; interrupting the fiber (say, `Effect.timeout`)
 *   aborts it.
 * - `latency` is an `Effect.sleep`.
 * - a `redirect` comes back as the 3xx response itself: nothing is followed.
 *
 * The request URL's origin is ignored: only the path is routed. The control API
 * (`/__emulator/*`) answers here too when the emulator was made with `control`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpClient } from "effect/http"
 * import { Emulator, EmulatorHttpClient } from "@lyzr-effect/effect4-emulator"
 *
 * const emu = Emulator.make()
 * const program = HttpClient.get("http://emulator.test/v1/agent/agt_customer_support/sessions", {
 *   headers: { "x-api-key": Emulator.keys.full }
 * }).pipe(Effect.provide(EmulatorHttpClient.layerHttpClient(emu)))
 * ```
 *
 * @since 0.1.0
 */
import type { Emulator } from "@lyzr-effect/emulator/Emulator"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description?: string) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({
      request,
      cause,
      ...(description === undefined ? {} : { description })
    })
  })

const toWebRequest = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal
): Effect.Effect<Request, HttpClientError.HttpClientError> => {
  const build = (body: BodyInit | undefined) =>
    Effect.try({
      try: () =>
        new Request(url, {
          method: request.method,
          headers: request.headers,
          signal,
          ...(body === undefined ? {} : { body, duplex: "half" } as RequestInit)
        }),
      catch: (cause) =>
        new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, cause }) })
    })
  switch (request.body._tag) {
    case "Raw":
    case "Uint8Array":
      return build(request.body.body as BodyInit)
    case "FormData":
      return build(request.body.formData)
    case "Stream":
      return Effect.flatMap(Stream.toReadableStreamEffect(request.body.stream), build)
    case "Empty":
      return build(undefined)
  }
}

/**
 * An Effect 4 `HttpClient` backed by `emulator`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Emulator, EmulatorHttpClient } from "@lyzr-effect/effect4-emulator"
 *
 * const client = EmulatorHttpClient.make(Emulator.make())
 * const status = client.get("http://emulator/v1/agent/agt_customer_support/sessions").pipe(
 *   Effect.map((response) => response.status)
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (emulator: Emulator): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.flatMap(toWebRequest(request, url, signal), (webRequest) => {
      const answered = emulator.control(webRequest)
      if (answered !== undefined) {
        return Effect.tryPromise({
          try: () => answered,
          catch: (cause) => transportError(request, cause)
        }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
      }
      const outcome = emulator.dispatch(webRequest)
      switch (outcome._tag) {
        case "Reset":
          return Effect.fail(
            transportError(request, new Error("emulator: connection reset"), "emulator: connection reset")
          )
        case "Hang":
          // Pending until the fiber is interrupted (which aborts `signal`).
          return Effect.callback<never, HttpClientError.HttpClientError>((resume) => {
            const onAbort = () => resume(Effect.fail(transportError(request, signal.reason)))
            if (signal.aborted) return onAbort()
            signal.addEventListener("abort", onAbort, { once: true })
            return Effect.sync(() => signal.removeEventListener("abort", onAbort))
          })
        case "Respond": {
          const response = HttpClientResponse.fromWeb(request, outcome.response)
          return outcome.delayMs > 0 ? Effect.as(Effect.sleep(outcome.delayMs), response) : Effect.succeed(response)
        }
      }
    })
  )

/**
 * A layer providing Effect 4's `HttpClient.HttpClient` backed by `emulator`.
 *
 * @example
 * ```ts
 * import { AgentSessions } from "@lyzr-effect/effect4-core"
 * import { Emulator, EmulatorHttpClient } from "@lyzr-effect/effect4-emulator"
 * import { Effect, Layer } from "effect"
 *
 * // a test of your own code against the emulator, in process, no sockets
 * const emu = Emulator.make()
 * const TestLayer = AgentSessions.layer({ apiKey: Emulator.keys.full, baseUrl: "http://127.0.0.1" }).pipe(
 *   Layer.provide(EmulatorHttpClient.layerHttpClient(emu))
 * )
 * const ids = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.provide(TestLayer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerHttpClient = (emulator: Emulator): Layer.Layer<HttpClient.HttpClient> =>
  Layer.succeed(HttpClient.HttpClient, make(emulator))
