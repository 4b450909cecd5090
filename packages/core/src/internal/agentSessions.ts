/**
 * The service, built once per layer on the `HttpClient` in context. Every rule of the protocol comes
 * from `@lyzr-effect/wire`; this file only moves a call through Effect: one span, one request per
 * attempt, the body read under the cap, the record of a failure turned into its class once, and the
 * retry driver entered only after a first failure.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Endpoint, ErrorRecord, Redaction, Redirect, Retry, Settings, Transport } from "@lyzr-effect/wire"
import * as Clock from "effect/Clock"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import { AgentSession, SessionIds } from "../AgentSession.ts"
import type { AgentSessionsOptions, AgentSessionsService } from "../AgentSessions.ts"
import type * as Errors from "../AgentSessionsError.ts"
import * as RetryPolicy from "../RetryPolicy.ts"
import * as CoreTransport from "../Transport.ts"
import { isAttemptClient, sendOf } from "./attemptClient.ts"
import { fromRecord } from "./errors.ts"
import * as fast from "./fastDecode.ts"
import { ReadResponse } from "./readResponse.ts"

/**
 * Marks options read from `LYZR_*` variables (by `AgentSessions.config` and the Workers adapter) or
 * from CLI flags, so that messages name the variables or flags rather than the options. The wire's
 * symbol: the same for both Effect lines and the CLI.
 */
export const settingsSource: typeof Settings.sourceKey = Settings.sourceKey

/** The source a set of options came from. */
export const sourceOf = (options: AgentSessionsOptions): Settings.Source => Settings.sourceOf(options)

const refuse = (checked: { readonly name: string; readonly message: string }) =>
  Effect.fail(ConfigError.InvalidData([checked.name], checked.message))

/** Reads and checks every option; each problem names the option or variable the user set. */
const settle = (options: AgentSessionsOptions) => {
  const source = sourceOf(options)
  const apiKey = options.apiKey as unknown
  const key = Settings.checkApiKey(Redacted.isRedacted(apiKey) ? Redacted.value(apiKey) : apiKey, source)
  if (key._tag === "Invalid") return refuse(key)
  const base = Settings.checkBaseUrl(
    options.baseUrl ?? Settings.defaults.baseUrl,
    options.allowInsecureHttp === true,
    source
  )
  if (base._tag === "Invalid") return refuse(base)
  let timeoutMillis: number = Settings.defaults.timeoutMillis
  if (options.timeout !== undefined) {
    const decoded = Duration.decodeUnknown(options.timeout)
    const checked = Option.isSome(decoded)
      ? Settings.checkTimeoutMillis(Duration.toMillis(decoded.value), source)
      : typeof options.timeout === "string"
      ? Settings.parseTimeout(options.timeout, source)
      : Settings.checkTimeoutMillis(Number.NaN, source)
    if (checked._tag === "Invalid") return refuse(checked)
    timeoutMillis = checked.value
  }
  const count = (setting: Settings.Setting, value: unknown, fallback: number, min: number) =>
    value === undefined
      ? Settings.checkCount(setting, fallback, min, source)
      : Settings.checkCount(setting, value, min, source)
  const maxBytes = count("maxResponseBytes", options.maxResponseBytes, Settings.defaults.maxResponseBytes, 1)
  if (maxBytes._tag === "Invalid") return refuse(maxBytes)
  const maxRedirects = count("maxRedirects", options.maxRedirects, Settings.defaults.maxRedirects, 0)
  if (maxRedirects._tag === "Invalid") return refuse(maxRedirects)
  const maxRetries = count("maxRetries", options.maxRetries, Settings.defaults.maxRetries, 0)
  if (maxRetries._tag === "Invalid") return refuse(maxRetries)
  return Effect.succeed({
    source,
    key: key.value,
    base: base.value,
    timeoutMillis,
    maxBytes: maxBytes.value,
    maxRedirects: maxRedirects.value,
    policy: options.retryPolicy ?? RetryPolicy.make({ maxRetries: maxRetries.value })
  })
}

const decodeIdsSchema = Schema.decodeUnknownEither(SessionIds)
const decodeSessionSchema = Schema.decodeUnknownEither(AgentSession)

/** The fast path where the shape is already right, the schema (which says why) otherwise. */
const decodeSession = (json: unknown): Either.Either<AgentSession, ParseResult.ParseError> => {
  const session = fast.session(json)
  return session === undefined ? decodeSessionSchema(json) : Either.right(session)
}

const decodeIds = (json: unknown): Either.Either<ReadonlyArray<string>, ParseResult.ParseError> => {
  const ids = fast.sessionIds(json)
  return ids === undefined ? decodeIdsSchema(json) : Either.right(ids)
}

const textDecoder = () => new TextDecoder("utf-8", { fatal: false })

/**
 * The body underneath a platform response: the web `Response` of `HttpClientResponse.fromWeb` (fetch
 * clients) or a Node stream (node:http clients). `undefined` when the client keeps it elsewhere.
 */
const bodySource = (response: HttpClientResponse.HttpClientResponse): AsyncIterable<Uint8Array> | undefined => {
  // `HttpClient.make` wraps each response (as `original`) to abort it on interruption.
  const inner = (response as { readonly original?: unknown }).original ?? response
  const source = (inner as { readonly source?: unknown }).source
  if (typeof Response !== "undefined" && source instanceof Response) {
    return (source.body as unknown as AsyncIterable<Uint8Array> | null) ?? emptyBody
  }
  if (typeof source === "object" && source !== null && Symbol.asyncIterator in source) {
    return source as AsyncIterable<Uint8Array>
  }
  return undefined
}

const emptyBody: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} }

/** What an attempt's abort tells: whether it fired (within an attempt, only the deadline fires it). */
type Aborted = { readonly aborted: boolean } | undefined

const isTimeout = (signal: Aborted) => signal !== undefined && signal.aborted

export const make = (
  options: AgentSessionsOptions
): Effect.Effect<AgentSessionsService, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.flatMap(settle(options), (settings) =>
    Effect.gen(function*() {
      const { base, key, maxBytes, maxRedirects, policy, source, timeoutMillis } = settings
      const baseUrlName = Settings.nameOf("baseUrl", source)
      const timeoutName = Settings.nameOf("timeout", source)
      const redactor = Redaction.make(key)
      const baseOrigin = base.origin
      // "" for a bare origin; never ends in "/", so joined paths cannot start with "//".
      const prefix = baseOrigin + base.pathname.replace(/\/+$/, "")
      const timeout = Duration.millis(timeoutMillis)

      // A client that takes the deadline and the cap from context lets core skip its own timeout fiber.
      const honours = Option.isSome(yield* Effect.serviceOption(CoreTransport.HonoursAttempt))
      // Fetch-based clients must hand redirects back to be checked: `redirect: "manual"`, set once here.
      const requestInit: RequestInit = {
        ...Option.getOrUndefined(yield* Effect.serviceOption(FetchHttpClient.RequestInit)),
        redirect: "manual"
      }
      const given = yield* HttpClient.HttpClient
      const client = (isAttemptClient(given) ? given : HttpClient.withTracerDisabledWhen(given, () => true)).pipe(
        // One span per call, ours: the platform's client span records response headers verbatim (a
        // server echoing the key would put it in traces) and costs a second span per attempt. A client
        // of `Transport.makeClient` makes no span for core's requests, so it needs no disabling.
        options.transformClient ?? ((client) => client)
      )
      // A client's promise `send` (Transport.makeClient) lets each attempt run in one suspension; a client
      // transformed by the user gets every request through `execute`, and one that does not honour the
      // attempt gets none of core's attempt.
      const send = honours && options.transformClient === undefined ? sendOf(given) : undefined
      const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)
      // The headers, built once; each request only sets its URL (as a string: the base URL has no query or
      // fragment, and the IDs are percent-encoded, so there are no search parameters to split off).
      const template = HttpClientRequest.get("").pipe(
        HttpClientRequest.setHeaders({ "x-api-key": key, accept: "application/json" })
      )

      const fail = (record: ErrorRecord.ErrorRecord) => Effect.fail(fromRecord(redactor.record(record)))
      const scrub = redactor.scrub

      /**
       * The parser's complaint about a body that is not JSON, read from the scrubbed body: the engine
       * quotes a few characters of the text it was given, which can cut a key in two.
       */
      const syntaxError = (text: string): string => {
        try {
          JSON.parse(scrub(text))
          return ""
        } catch (error) {
          return ` (${(error as Error).message})`
        }
      }

      // The body is scrubbed before the wire cuts its excerpt (a key across the cut would leave its first
      // part behind), and the finished record again after parsing (a JSON-escaped key reads as plain text).
      const facts = (response: HttpClientResponse.HttpClientResponse, url: URL, body: string) => ({
        status: response.status,
        headers: response.headers,
        body: redactor.scrub(body),
        url: url.href
      })

      /** The body as text under the cap; a broken connection is a transport failure. */
      const readBody = (
        response: HttpClientResponse.HttpClientResponse,
        url: URL,
        signal: Aborted
      ): Effect.Effect<string, Errors.AgentSessionsError> => {
        const onError = (error: HttpClientError.ResponseError) => {
          if (error.reason === "EmptyBody") return Effect.succeed("")
          if (error.cause instanceof CoreTransport.BodyTooLarge) {
            return fail(ErrorRecord.tooLarge(facts(response, url, ""), maxBytes, undefined))
          }
          if (isTimeout(signal)) return fail(ErrorRecord.timedOut(url, timeoutMillis, timeoutName))
          return fail(Transport.failed(url, error.cause, { phase: "body", baseUrlName, scrub }))
        }
        // Read before the response was handed over, within the cap (Transport.fetchClient): no headers to read.
        if (response instanceof ReadResponse) return Effect.catchAll(response.text, onError)
        const declared = Number(response.headers["content-length"] ?? Number.NaN)
        if (declared > maxBytes) return fail(ErrorRecord.tooLarge(facts(response, url, ""), maxBytes, declared))
        // A client that honours the attempt caps the body itself, as does a declared length under the cap.
        if (honours || (Number.isFinite(declared) && response.headers["content-encoding"] === undefined)) {
          return Effect.catchAll(response.text, onError)
        }
        // Any other client: count the bytes as they come from the underlying body, and stop at the cap (an
        // endless body ends here). Effect's Stream would do it too, at a third more Worker bundle.
        const source = bodySource(response)
        if (source === undefined) {
          return Effect.matchEffect(response.arrayBuffer, {
            onFailure: onError,
            onSuccess: (bytes) =>
              bytes.byteLength > maxBytes
                ? fail(ErrorRecord.tooLarge(facts(response, url, ""), maxBytes, undefined))
                : Effect.succeed(textDecoder().decode(bytes))
          })
        }
        return Effect.matchEffect(
          Effect.tryPromise({
            try: (abort) => Transport.readCapped(source, maxBytes, abort),
            catch: (cause) => cause
          }),
          {
            onFailure: (cause) => fail(Transport.failed(url, cause, { phase: "body", baseUrlName, scrub })),
            onSuccess: (read) =>
              read._tag === "Text"
                ? Effect.succeed(read.text)
                : fail(ErrorRecord.tooLarge(facts(response, url, ""), maxBytes, undefined))
          }
        )
      }

      /** A 2xx body decoded, or a `ResponseDecodeError` that says why not. */
      const decodeBody = <A>(
        response: HttpClientResponse.HttpClientResponse,
        url: URL,
        text: string,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return fail(ErrorRecord.decodeFailure(facts(response, url, text), `is not JSON${syntaxError(text)}`))
        }
        const decoded = decode(json)
        // Scrubbed before the wire cuts the message to 1 KiB: the schema's message quotes the values.
        return Either.isRight(decoded)
          ? Effect.succeed(decoded.right)
          : fail(ErrorRecord.decodeFailure(
            facts(response, url, text),
            scrub(`is not ${endpoint.expected}: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`)
          ))
      }

      /** A request that got no response (or could not be built), as its tagged error. */
      const requestFailed = (
        error: HttpClientError.HttpClientError,
        url: URL,
        signal: Aborted
      ): Effect.Effect<never, Errors.AgentSessionsError> =>
        isTimeout(signal)
          ? fail(ErrorRecord.timedOut(url, timeoutMillis, timeoutName))
          : fail(Transport.failed(url, error.cause ?? error, {
            phase: "request",
            baseUrlName,
            scrub,
            // A request the client could not build (a bad URL, an unencodable body) fails the same way again.
            kind: error._tag === "RequestError" && error.reason !== "Transport" ? "invalid-request" : undefined
          }))

      /** A response: a redirect followed (or refused), a body decoded, or a status as its tagged error. */
      const responded = <A>(
        response: HttpClientResponse.HttpClientResponse,
        url: URL,
        redirects: number,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>,
        span: Tracer.Span,
        signal: Aborted
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const status = response.status
        span.attribute("http.response.status_code", status)
        if (Redirect.isRedirect(status) && response.headers["location"] !== undefined) {
          const next = Redirect.next({
            from: url,
            status,
            headers: response.headers,
            baseOrigin,
            redirects,
            maxRedirects,
            redactor
          })
          if (!(next instanceof URL)) return Effect.zipRight(discard(response), fail(next))
          return Effect.zipRight(discard(response), request(next, redirects + 1, endpoint, decode, span, signal))
        }
        return Effect.flatMap(readBody(response, url, signal), (text) =>
          status >= 200 && status < 300
            ? decodeBody(response, url, text, endpoint, decode)
            : Effect.flatMap(Clock.currentTimeMillis, (now) =>
              fail(ErrorRecord.fromResponse(facts(response, url, text), {
                notFound: endpoint.notFound,
                retryAfter: Retry.retryAfterMillis(response.headers, now),
                baseUrlName
              }))))
      }

      /** One request, following same-origin redirects, ending in the decoded body or a tagged error. */
      const request = <A>(
        url: URL,
        redirects: number,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>,
        span: Tracer.Span,
        signal: Aborted
      ): Effect.Effect<A, Errors.AgentSessionsError> =>
        Effect.matchEffect(client.execute(HttpClientRequest.setUrl(template, url.href)), {
          onFailure: (error) => requestFailed(error, url, signal),
          onSuccess: (response) => responded(response, url, redirects, endpoint, decode, span, signal)
        })

      /** A redirect's body is read (within the cap) and dropped, so a pooled connection can be reused. */
      const discard = (response: HttpClientResponse.HttpClientResponse) => {
        const declared = Number(response.headers["content-length"] ?? Number.NaN)
        return honours
          ? Effect.ignore(response.text)
          : declared <= 64 * 1024
          ? Effect.ignore(response.arrayBuffer)
          : Effect.void
      }

      /** The attempt's limits, the fetch options and the call's span as parent: one change of context. */
      const underAttempt = <A>(
        effect: Effect.Effect<A, Errors.AgentSessionsError>,
        span: Tracer.Span,
        limits: CoreTransport.Attempt | undefined
      ) =>
        Effect.mapInputContext(effect, (context: Context.Context<never>) => {
          const withSpan = Context.add(
            Context.add(context, FetchHttpClient.RequestInit, requestInit),
            Tracer.ParentSpan,
            span
          )
          return limits === undefined ? withSpan : Context.add(withSpan, CoreTransport.CurrentAttempt, limits)
        })

      /** An attempt's deadline and abort, ended (and aborted unless it succeeded) exactly once. */
      const deadline = () => new Transport.AttemptLimits(timeoutMillis, maxBytes, requestInit)

      /** `effect` under the attempt's limits, which end (aborted unless it succeeded) when it exits. */
      const underLimits = <A>(
        effect: Effect.Effect<A, Errors.AgentSessionsError>,
        span: Tracer.Span,
        limits: Transport.AttemptLimits
      ): Effect.Effect<A, Errors.AgentSessionsError> =>
        underAttempt(effect, span, limits).pipe(
          Effect.onExit((exit) => Effect.sync(() => limits.end(exit._tag === "Success")))
        )

      /** The value of a whole 2xx body, when it is JSON in the expected shape; `undefined` otherwise. */
      const decodedOk = <A>(
        text: string,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>
      ): Either.Right<ParseResult.ParseError, A> | undefined => {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          return undefined
        }
        const decoded = decode(json)
        return Either.isRight(decoded) ? decoded : undefined
      }

      /**
       * One attempt on a client's promise `send` (Transport.makeClient): sent, read and decoded in a
       * single suspension. Anything but a decoded 2xx body goes on as an Effect, in `rest`, under the span
       * that `rest` is given (the call's, or one made only now: see `call`).
       */
      const sendAttempt = <A>(
        send: CoreTransport.PromiseSend,
        fiber: Fiber.RuntimeFiber<unknown, unknown>,
        url: URL,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>,
        span: Tracer.Span | undefined,
        rest: (
          go: (span: Tracer.Span) => Effect.Effect<A, Errors.AgentSessionsError>
        ) => Effect.Effect<A, Errors.AgentSessionsError>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const limits = deadline()
        const request = HttpClientRequest.setUrl(template, url.href)
        const goOn = (sent: CoreTransport.Sent) =>
          rest((span) =>
            underLimits(
              sent._tag === "Failure"
                ? requestFailed(sent.error, url, limits)
                : responded(sent.response, url, 0, endpoint, decode, span, limits),
              span,
              limits
            )
          )
        return Effect.async<A, Errors.AgentSessionsError>((resume) => {
          send(request, url, limits, fiber).then(
            (sent) => {
              if (sent._tag === "Response" && sent.text !== undefined) {
                const status = sent.response.status
                const decoded = status >= 200 && status < 300 ? decodedOk(sent.text, decode) : undefined
                if (decoded !== undefined) {
                  limits.end(true)
                  span?.attribute("http.response.status_code", status)
                  return resume(Effect.succeed(decoded.right))
                }
              }
              resume(goOn(sent))
            },
            (cause) =>
              resume(goOn({
                _tag: "Failure",
                error: new HttpClientError.RequestError({ request, reason: "Transport", cause })
              }))
          )
          return Effect.sync(() => limits.end(false))
        })
      }

      /** One attempt under its deadline: the transport's signal where it honours one, an Effect timeout otherwise. */
      const attempt = <A>(
        url: URL,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>,
        span: Tracer.Span
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        if (send !== undefined) {
          return Effect.withFiberRuntime((fiber) =>
            sendAttempt(send, fiber, url, endpoint, decode, span, (go) => go(span))
          )
        }
        if (honours) {
          const limits = deadline()
          return underLimits(request(url, 0, endpoint, decode, span, limits), span, limits)
        }
        return underAttempt(
          request(url, 0, endpoint, decode, span, undefined).pipe(
            Effect.timeoutFail({
              duration: timeout,
              onTimeout: () => fromRecord(redactor.record(ErrorRecord.timedOut(url, timeoutMillis, timeoutName)))
            })
          ),
          span,
          undefined
        )
      }

      /** After a first failed attempt: the retry policy, fed that failure first, runs the next attempts. */
      const retrying = <A>(
        first: Effect.Effect<A, Errors.AgentSessionsError>,
        url: URL,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>,
        span: Tracer.Span
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        let attempts = 1
        span.attribute("lyzr.attempts", 1)
        return Effect.catchAll(first, (failure) => {
          // The retry driver, entered only now: the first failure is fed to the policy, then attempts run again.
          let pending: Errors.AgentSessionsError | undefined = failure
          const again = Effect.suspend(() => {
            if (pending !== undefined) {
              const error = pending
              pending = undefined
              return Effect.fail(error)
            }
            attempts++
            span.attribute("lyzr.attempts", attempts)
            return attempt(url, endpoint, decode, span)
          })
          return Effect.withParentSpan(Effect.retry(again, logged(endpoint.spanName, policy, () => attempts)), span)
        })
      }

      /**
       * Whether anyone can see the call's span: a tracer other than Effect's built-in one is installed, and
       * tracing is on. The built-in tracer's spans reach no exporter, and the call runs none of the
       * caller's code inside its span, so a call that succeeds at once has nothing to record.
       */
      const traced = (fiber: Fiber.RuntimeFiber<unknown, unknown>) =>
        fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
        Context.get(fiber.getFiberRef(DefaultServices.currentServices), Tracer.Tracer) !== builtInTracer

      /**
       * A call: one span, a first attempt, and the retry policy only once an attempt has failed. On a
       * client's promise `send` with no tracer installed, the span is made only once the first attempt
       * has not simply succeeded, before its failure is classified: every failure still carries it.
       */
      const call = <Args extends ReadonlyArray<unknown>, A>(
        endpoint: Endpoint.Endpoint<Args>,
        args: Args,
        decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const attributes = endpoint.attributes(args)
        const path = endpoint.path(args)
        if (typeof path !== "string") {
          return fail(path).pipe(
            Effect.withSpan(endpoint.spanName, {
              kind: "client",
              attributes: { ...attributes, "lyzr.attempts": 0 },
              captureStackTrace: false
            })
          )
        }
        const url = new URL(prefix + path)
        const spanned = (first: (span: Tracer.Span) => Effect.Effect<A, Errors.AgentSessionsError>) =>
          Effect.useSpan(endpoint.spanName, {
            kind: "client",
            attributes: { ...attributes, "http.request.method": "GET", "url.path": path },
            // The caller's stack is not the span's business, and capturing it costs a microsecond a call.
            captureStackTrace: false
          }, (span) => retrying(first(span), url, endpoint, decode, span))
        if (send === undefined) return spanned((span) => attempt(url, endpoint, decode, span))
        return Effect.withFiberRuntime((fiber) =>
          traced(fiber)
            ? spanned((span) => sendAttempt(send, fiber, url, endpoint, decode, span, (go) => go(span)))
            : sendAttempt(send, fiber, url, endpoint, decode, undefined, spanned)
        )
      }

      return {
        list: (agentId) =>
          call(Endpoint.list, [agentId] as const, decodeIds) as Effect.Effect<
            ReadonlyArray<string>,
            Errors.ListError
          >,
        get: (agentId, sessionId) => call(Endpoint.get, [agentId, sessionId] as const, decodeSession)
      } satisfies AgentSessionsService
    }))

/** The policy, with a debug line for each retry it allows. */
const logged = (spanName: string, policy: RetryPolicy.RetryPolicy, attempts: () => number) =>
  Schedule.intersect(policy, Schedule.identity<Errors.AgentSessionsError>()).pipe(
    Schedule.onDecision(([, error], decision) =>
      decision._tag === "Continue"
        ? Effect.logDebug(`${spanName}: attempt ${attempts()} failed with ${error._tag}; retrying`).pipe(
          Effect.annotateLogs({ status: error.status ?? "none", requestId: error.requestId ?? "none" })
        )
        : Effect.void
    )
  )
