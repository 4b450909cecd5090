/**
 * The service, built once per layer on the `HttpClient` in context. Every rule of the protocol comes
 * from `@lyzr-effect/wire`; this file only moves a call through Effect 4: one span, one request per
 * attempt, the body read under the cap, the record of a failure turned into its class once, and the
 * retry driver entered only after a first failure. On a client's promise `send` (`Transport.makeClient`)
 * an attempt that succeeds is one suspension, and with no tracer installed the span is made only once the
 * first attempt has not simply succeeded.
 */
import { Endpoint, ErrorRecord, Redaction, Redirect, Retry, Settings, Transport } from "@lyzr-effect/wire"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Tracer from "effect/Tracer"
import { AgentSession, SessionIds } from "../AgentSession.ts"
import type { AgentSessionsOptions, AgentSessionsService } from "../AgentSessions.ts"
import type * as Errors from "../AgentSessionsError.ts"
import * as RetryPolicy from "../RetryPolicy.ts"
import * as CoreTransport from "../Transport.ts"
import { sendOf } from "./attemptClient.ts"
import { fromRecord } from "./errors.ts"
import * as fast from "./fastDecode.ts"

/**
 * Marks options read from `LYZR_*` variables (by `AgentSessions.config` and the Workers adapter) or
 * from CLI flags, so that messages name the variables or flags rather than the options. The wire's
 * symbol: the same for both Effect lines and the CLI.
 */
export const settingsSource: typeof Settings.sourceKey = Settings.sourceKey

/** The source a set of options came from. */
export const sourceOf = (options: AgentSessionsOptions): Settings.Source => Settings.sourceOf(options)

/**
 * A `ConfigError` whose message is exactly `message` (the wire's, which names the option or variable).
 * No input is attached: a rejected key must not reach the error.
 */
export const configError = (message: string): Config.ConfigError =>
  new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.InvalidValue({ message })))

const refuse = (checked: { readonly message: string }) => Effect.fail(configError(checked.message))

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
    const decoded = Duration.fromInput(options.timeout)
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

type Decoded<A> = Result.Result<A, Schema.SchemaError>

const decodeIdsSchema = Schema.decodeUnknownResult(SessionIds)
const decodeSessionSchema = Schema.decodeUnknownResult(AgentSession)

/** The fast path where the shape is already right, the schema (which says why) otherwise. */
const decodeSession = (json: unknown): Decoded<AgentSession> => {
  const session = fast.session(json)
  return session === undefined ? decodeSessionSchema(json) : Result.succeed(session)
}

const decodeIds = (json: unknown): Decoded<ReadonlyArray<string>> => {
  const ids = fast.sessionIds(json)
  return ids === undefined ? decodeIdsSchema(json) : Result.succeed(ids)
}

const textDecoder = () => new TextDecoder("utf-8", { fatal: false })

/** A request's URL: the text is what is sent; the parsed `URL` is built only when a message or a redirect needs it. */
const Target = Transport.Target
type Target = Transport.Target

/** What an attempt's abort tells: whether it fired (within an attempt, only the deadline fires it). */
type Aborted = { readonly aborted: boolean } | undefined

const isTimeout = (signal: Aborted) => signal !== undefined && signal.aborted

const constTrue = () => true

/** Spans without a captured stack trace: it would point into this file, at a cost of microseconds a call. */
const noStackTrace = { captureStackTrace: false } as const

/**
 * Whether anyone can see the call's span: a tracer other than Effect's built-in one is installed, and
 * tracing is on. The built-in tracer's spans reach no exporter, and on a client's promise `send` the call
 * runs none of the caller's code inside its span, so a call that succeeds at once has nothing to record.
 */
const traced = (fiber: Fiber.Fiber<unknown, unknown>) =>
  fiber.getRef(References.TracerEnabled) && fiber.getRef(Tracer.Tracer) !== Tracer.nativeTracer

/** The value of a whole 2xx body, when it is JSON in the expected shape; `undefined` otherwise. */
const decodedOk = <A>(
  text: string,
  decode: (json: unknown) => Decoded<A>
): Result.Success<A, Schema.SchemaError> | undefined => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined
  }
  const decoded = decode(json)
  return Result.isSuccess(decoded) ? decoded : undefined
}

export const make = (
  options: AgentSessionsOptions
): Effect.Effect<AgentSessionsService, Config.ConfigError, HttpClient.HttpClient> =>
  Effect.flatMap(settle(options), (settings) =>
    Effect.gen(function*() {
      const { base, key, maxBytes, maxRedirects, policy, source, timeoutMillis } = settings
      const baseUrlName = Settings.nameOf("baseUrl", source)
      const timeoutName = Settings.nameOf("timeout", source)
      const redactor = Redaction.make(key)
      const baseOrigin = base.origin
      // "" for a bare origin; never ends in "/", so joined paths cannot start with "//".
      const basePath = base.pathname.replace(/\/+$/, "")

      // A client that takes the deadline and the cap from context lets the service skip its own timeout fiber.
      const honours = Option.isSome(yield* Effect.serviceOption(CoreTransport.HonoursAttempt))
      // Fetch-based clients must hand redirects back to be checked: `redirect: "manual"`, set once here.
      const requestInit: RequestInit = {
        ...Option.getOrUndefined(yield* Effect.serviceOption(FetchHttpClient.RequestInit)),
        redirect: "manual"
      }
      const given = yield* HttpClient.HttpClient
      const client = options.transformClient === undefined ? given : options.transformClient(given)
      // A client's promise `send` (Transport.makeClient) lets each attempt run in one suspension; a client
      // transformed by the user gets every request through `execute`, and one that does not honour the
      // attempt gets none of core's attempt.
      const send = honours && options.transformClient === undefined ? sendOf(given) : undefined
      // The headers, built once; each request only sets its URL.
      const template = HttpClientRequest.get("").pipe(
        HttpClientRequest.setHeaders({ "x-api-key": key, accept: "application/json" })
      )
      // Whether the client can do anything that belongs under the call's span: a `transformClient` is user
      // code, and a client that does not honour the attempt is someone else's. The adapters' own clients
      // neither trace (their span is off, below) nor log, and making the span the parent costs a rebuild of
      // the fiber's context cache, a microsecond or more a call.
      const parentSpan = options.transformClient !== undefined || !honours
      // What each attempt adds to the fiber's context, in one step. `TracerDisabledWhen`: one span per call,
      // ours (the client span would be a second span per attempt, and it marks every 4xx as a failed span).
      const withLimits = (
        context: Context.Context<never>,
        span: Tracer.Span,
        limits: CoreTransport.Attempt | undefined
      ) => {
        let added = Context.add(
          Context.add(context, FetchHttpClient.RequestInit, requestInit),
          HttpClient.TracerDisabledWhen,
          constTrue
        )
        if (limits !== undefined) added = Context.add(added, CoreTransport.CurrentAttempt, limits)
        return parentSpan ? Context.add(added, Tracer.ParentSpan, span) : added
      }

      const fail = (record: ErrorRecord.ErrorRecord) => Effect.fail(fromRecord(redactor.record(record)))

      // The body is scrubbed before the wire cuts its excerpt (a key across the cut would leave its first
      // part behind), and the finished record again after parsing (a JSON-escaped key reads as plain text).
      const facts = (response: HttpClientResponse.HttpClientResponse, target: Target, body: string) => ({
        status: response.status,
        headers: response.headers,
        body: redactor.scrub(body),
        url: target.href
      })

      /** The body as text under the cap; a broken connection is a transport failure. */
      const readBody = (
        response: HttpClientResponse.HttpClientResponse,
        target: Target,
        signal: Aborted
      ): Effect.Effect<string, Errors.AgentSessionsError> => {
        const declared = Number(response.headers["content-length"] ?? Number.NaN)
        if (declared > maxBytes) return fail(ErrorRecord.tooLarge(facts(response, target, ""), maxBytes, declared))
        const onError = (error: HttpClientError.HttpClientError) => {
          const reason = error.reason
          if (reason._tag === "EmptyBodyError") return Effect.succeed("")
          if (reason.cause instanceof CoreTransport.BodyTooLarge) {
            return fail(ErrorRecord.tooLarge(facts(response, target, ""), maxBytes, undefined))
          }
          if (isTimeout(signal)) return fail(ErrorRecord.timedOut(target.url, timeoutMillis, timeoutName))
          return fail(Transport.failed(target.url, reason.cause ?? error, { phase: "body", baseUrlName }))
        }
        // A client that honours the attempt caps the body itself, as does a declared length under the cap.
        if (honours || (Number.isFinite(declared) && response.headers["content-encoding"] === undefined)) {
          return Effect.catch(response.text, onError)
        }
        // Any other client: a fetch-backed response's body is read with a byte count and stops at the cap (an
        // endless body ends here); other backends are read whole, within the attempt's deadline.
        const web = HttpClientResponse.toWeb(response)
        if (Option.isNone(web) || web.value.body === null) {
          return Effect.matchEffect(response.arrayBuffer, {
            onFailure: onError,
            onSuccess: (bytes) =>
              bytes.byteLength > maxBytes
                ? fail(ErrorRecord.tooLarge(facts(response, target, ""), maxBytes, undefined))
                : Effect.succeed(textDecoder().decode(bytes))
          })
        }
        const body = web.value.body as unknown as AsyncIterable<Uint8Array>
        return Effect.matchEffect(
          Effect.tryPromise({
            try: (abort) => Transport.readCapped(body, maxBytes, abort),
            catch: (cause) => cause
          }),
          {
            onFailure: (cause) => fail(Transport.failed(target.url, cause, { phase: "body", baseUrlName })),
            onSuccess: (read) =>
              read._tag === "Text"
                ? Effect.succeed(read.text)
                : fail(ErrorRecord.tooLarge(facts(response, target, ""), maxBytes, undefined))
          }
        )
      }

      /** A 2xx body decoded, or a `ResponseDecodeError` that says why not. */
      const decodeBody = <A>(
        response: HttpClientResponse.HttpClientResponse,
        target: Target,
        text: string,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch (error) {
          return fail(
            ErrorRecord.decodeFailure(facts(response, target, text), `is not JSON (${(error as Error).message})`)
          )
        }
        const decoded = decode(json)
        return Result.isSuccess(decoded)
          ? Effect.succeed(decoded.success)
          : fail(ErrorRecord.decodeFailure(
            facts(response, target, text),
            `is not ${endpoint.expected}: ${decoded.failure.message}`
          ))
      }

      /** A redirect's body is read (within the cap) and dropped, so a pooled connection can be reused. */
      const discard = (response: HttpClientResponse.HttpClientResponse) => {
        const declared = Number(response.headers["content-length"] ?? Number.NaN)
        return honours || declared <= 64 * 1024 ? Effect.ignore(response.arrayBuffer) : Effect.void
      }

      /** A request that got no response (or could not be built), as its tagged error. */
      const requestFailed = (
        error: HttpClientError.HttpClientError,
        target: Target,
        signal: Aborted
      ): Effect.Effect<never, Errors.AgentSessionsError> => {
        if (isTimeout(signal)) return fail(ErrorRecord.timedOut(target.url, timeoutMillis, timeoutName))
        const reason = error.reason
        return fail(Transport.failed(target.url, reason.cause ?? error, {
          phase: "request",
          baseUrlName,
          // A request the client could not build (a bad URL, an unencodable body) fails the same way again.
          kind: reason._tag === "EncodeError" || reason._tag === "InvalidUrlError" ? "invalid-request" : undefined
        }))
      }

      /** A response: a redirect followed (or refused), a body decoded, or a status as its tagged error. */
      const responded = <A>(
        response: HttpClientResponse.HttpClientResponse,
        target: Target,
        redirects: number,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>,
        span: Tracer.Span,
        signal: Aborted
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const status = response.status
        span.attribute("http.response.status_code", status)
        if (Redirect.isRedirect(status) && response.headers["location"] !== undefined) {
          const next = Redirect.next({
            from: target.url,
            status,
            headers: response.headers,
            baseOrigin,
            redirects,
            maxRedirects,
            redactor
          })
          if (!(next instanceof URL)) return Effect.andThen(discard(response), fail(next))
          return Effect.andThen(
            discard(response),
            request(Target.fromUrl(next), redirects + 1, endpoint, decode, span, signal)
          )
        }
        return Effect.flatMap(readBody(response, target, signal), (text) =>
          status >= 200 && status < 300
            ? decodeBody(response, target, text, endpoint, decode)
            : Effect.flatMap(Clock.currentTimeMillis, (now) =>
              fail(ErrorRecord.fromResponse(facts(response, target, text), {
                notFound: endpoint.notFound,
                retryAfter: Retry.retryAfterMillis(response.headers, now),
                baseUrlName
              }))))
      }

      /** One request, following same-origin redirects, ending in the decoded body or a tagged error. */
      const request = <A>(
        target: Target,
        redirects: number,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>,
        span: Tracer.Span,
        signal: Aborted
      ): Effect.Effect<A, Errors.AgentSessionsError> =>
        Effect.matchEffect(client.execute(HttpClientRequest.setUrl(template, target.href)), {
          onFailure: (error) => requestFailed(error, target, signal),
          onSuccess: (response) => responded(response, target, redirects, endpoint, decode, span, signal)
        })

      /** An attempt's deadline and abort, ended (and aborted unless it succeeded) exactly once. */
      const deadline = () => new Transport.AttemptLimits(timeoutMillis, maxBytes, requestInit)

      /** `effect` under the attempt's limits, which end (aborted unless it succeeded) when it exits. */
      const underLimits = <A>(
        effect: Effect.Effect<A, Errors.AgentSessionsError>,
        span: Tracer.Span,
        limits: Transport.AttemptLimits
      ): Effect.Effect<A, Errors.AgentSessionsError> =>
        Effect.onExit(
          Effect.updateContext(effect, (context: Context.Context<never>) => withLimits(context, span, limits)),
          (exit) => {
            limits.end(exit._tag === "Success")
            return Effect.void
          }
        )

      /**
       * One attempt on a client's promise `send` (Transport.makeClient): sent, read and decoded in a
       * single suspension. Anything but a decoded 2xx body goes on as an Effect, in `rest`, under the span
       * that `rest` is given (the call's, or one made only now: see `call`).
       */
      const sendAttempt = <A>(
        send: CoreTransport.PromiseSend,
        target: Target,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>,
        span: Tracer.Span | undefined,
        rest: (
          go: (span: Tracer.Span) => Effect.Effect<A, Errors.AgentSessionsError>
        ) => Effect.Effect<A, Errors.AgentSessionsError>,
        // The fiber running the attempt, when the caller is already running in it (saves a `withFiber`).
        running?: Fiber.Fiber<unknown, unknown>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const run = (fiber: Fiber.Fiber<unknown, unknown>) => {
          const limits = deadline()
          const request = HttpClientRequest.setUrl(template, target.href)
          const goOn = (sent: CoreTransport.Sent) =>
            rest((span) =>
              underLimits(
                sent._tag === "Failure"
                  ? requestFailed(sent.error, target, limits)
                  : responded(sent.response, target, 0, endpoint, decode, span, limits),
                span,
                limits
              )
            )
          return Effect.callback<A, Errors.AgentSessionsError>((resume) => {
            send(request, target, limits, fiber).then(
              (sent) => {
                if (sent._tag === "Response" && sent.text !== undefined) {
                  const status = sent.response.status
                  const decoded = status >= 200 && status < 300 ? decodedOk(sent.text, decode) : undefined
                  if (decoded !== undefined) {
                    limits.end(true)
                    span?.attribute("http.response.status_code", status)
                    return resume(Effect.succeed(decoded.success))
                  }
                }
                resume(goOn(sent))
              },
              (cause) =>
                resume(goOn({
                  _tag: "Failure",
                  error: new HttpClientError.HttpClientError({
                    reason: new HttpClientError.TransportError({ request, cause })
                  })
                }))
            )
            return Effect.sync(() => limits.end(false))
          })
        }
        return running === undefined
          ? Effect.withFiber((fiber) => run(fiber as Fiber.Fiber<unknown, unknown>))
          : run(running)
      }

      /** One attempt under its deadline: the transport's signal where it honours one, an Effect timeout otherwise. */
      const attempt = <A>(
        target: Target,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>,
        span: Tracer.Span
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        if (send !== undefined) return sendAttempt(send, target, endpoint, decode, span, (go) => go(span))
        if (honours) {
          const limits = deadline()
          return underLimits(request(target, 0, endpoint, decode, span, limits), span, limits)
        }
        return request(target, 0, endpoint, decode, span, undefined).pipe(
          Effect.timeoutOrElse({
            duration: timeoutMillis,
            orElse: () => fail(ErrorRecord.timedOut(target.url, timeoutMillis, timeoutName))
          }),
          Effect.updateContext((context: Context.Context<never>) => withLimits(context, span, undefined))
        )
      }

      /** After a first failed attempt: the retry policy, fed that failure first, runs the next attempts. */
      const retrying = <A>(
        first: Effect.Effect<A, Errors.AgentSessionsError>,
        target: Target,
        endpoint: Endpoint.Endpoint<any>,
        decode: (json: unknown) => Decoded<A>,
        span: Tracer.Span
      ): Effect.Effect<A, Errors.AgentSessionsError> =>
        Effect.catch(first, (failure) => {
          // The retry driver, entered only now: the first failure is fed to the policy, then attempts run again.
          let attempts = 1
          let pending: Errors.AgentSessionsError | undefined = failure
          let last: Errors.AgentSessionsError = failure
          const again = Effect.suspend(() => {
            if (pending !== undefined) {
              const error = pending
              pending = undefined
              return Effect.fail(error)
            }
            const previous = last
            attempts++
            span.attribute("lyzr.attempts", attempts)
            return Effect.andThen(
              Effect.logDebug(
                `${endpoint.spanName}: attempt ${attempts - 1} failed with ${previous._tag}; retrying`
              )
                .pipe(
                  Effect.annotateLogs({
                    status: previous.status ?? "none",
                    requestId: previous.requestId ?? "none"
                  })
                ),
              Effect.mapError(attempt(target, endpoint, decode, span), (error) => (last = error))
            )
          })
          // The retry driver's logs belong to the call's span too.
          return Effect.withParentSpan(Effect.retry(again, policy), span, noStackTrace)
        })

      /**
       * A call: one span, a first attempt, and the retry policy only once an attempt has failed. On a
       * client's promise `send` with no tracer installed, the span is made only once the first attempt
       * has not simply succeeded, before its failure is classified: every failure still ends it, and the
       * retry driver still runs under it.
       */
      const call = <Args extends ReadonlyArray<unknown>, A>(
        endpoint: Endpoint.Endpoint<Args>,
        args: Args,
        decode: (json: unknown) => Decoded<A>
      ): Effect.Effect<A, Errors.AgentSessionsError> => {
        const path = endpoint.path(args)
        if (typeof path !== "string") {
          return fail(path).pipe(
            Effect.withSpan(endpoint.spanName, {
              kind: "client",
              attributes: { ...endpoint.attributes(args), "lyzr.attempts": 0 }
            }, noStackTrace)
          )
        }
        const target = new Target(baseOrigin, basePath + path)
        // The span's options are built only when a span is made (not on an untraced call that succeeds).
        const spanned = (first: (span: Tracer.Span) => Effect.Effect<A, Errors.AgentSessionsError>) =>
          Effect.useSpan(
            endpoint.spanName,
            {
              kind: "client",
              attributes: {
                ...endpoint.attributes(args),
                "http.request.method": "GET",
                "url.path": path,
                "lyzr.attempts": 1
              }
            },
            (span) => retrying(first(span), target, endpoint, decode, span)
          )
        if (send === undefined) return spanned((span) => attempt(target, endpoint, decode, span))
        return Effect.withFiber((fiber) =>
          traced(fiber as Fiber.Fiber<unknown, unknown>)
            ? spanned((span) => sendAttempt(send, target, endpoint, decode, span, (go) => go(span)))
            : sendAttempt(send, target, endpoint, decode, undefined, spanned, fiber as Fiber.Fiber<unknown, unknown>)
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
