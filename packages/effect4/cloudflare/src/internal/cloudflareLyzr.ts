/**
 * The Workers adapter: effect4-core's `AgentSessions` over the runtime's `fetch`, configured from `env`
 * bindings, and a `fetch` handler that runs each request on a fiber and scheduler of its own, with the
 * service built once per set of bindings.
 */
import {
  AgentSessions,
  AgentSessionsError,
  type AgentSessionsOptions,
  type AgentSessionsService,
  Transport
} from "@lyzr-effect/effect4-core"
import { Settings } from "@lyzr-effect/wire"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scheduler from "effect/Scheduler"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"

/** The part of a Worker's `ExecutionContext` the adapter uses. */
export interface WorkerContext {
  readonly waitUntil: (promise: Promise<unknown>) => void
}

export class ExecutionContext extends Context.Service<ExecutionContext, WorkerContext>()(
  "@lyzr-effect/effect4-cloudflare/ExecutionContext"
) {}

/**
 * A `ConfigError` whose message is exactly `message` (the wire's, which names the binding), built as
 * effect4-core builds its own. No input is attached: a rejected key must not reach the error.
 */
const configError = (message: string): Config.ConfigError =>
  new Config.ConfigError(new Schema.SchemaError(new SchemaIssue.InvalidValue({ message })))

/**
 * The options the `LYZR_*` bindings give, read without Effect `Config` (the wire's reader, with the
 * rules of `AgentSessions.config`). Secrets and plain vars are strings; a var declared as a number or
 * boolean in `wrangler.toml` arrives as one and is read as its text. An empty value is kept (an error
 * naming the binding), as on Node. No other binding is touched. Marked as read from variables, so that
 * every message names the binding.
 */
export const optionsFromEnv = (env: object): Result.Result<AgentSessionsOptions, Config.ConfigError> => {
  const bindings = env as Record<string, unknown>
  const read = Settings.readEnv((name) => bindings[name])
  if (read._tag === "Invalid") return Result.fail(configError(read.message))
  const options = Settings.envOptions(read.value)
  return Result.succeed({ ...options, apiKey: Redacted.make(options.apiKey) } as AgentSessionsOptions)
}

/** The service from the bindings (and `overrides`), on the `HttpClient` in context. */
const makeFromEnv = (
  env: object,
  overrides: Partial<AgentSessionsOptions> | undefined
): Effect.Effect<AgentSessionsService, Config.ConfigError, HttpClient.HttpClient> =>
  // Suspended: the bindings are read inside the fiber that builds the service, not before it starts.
  Effect.flatMap(
    Effect.suspend(() => Effect.fromResult(optionsFromEnv(env))),
    (options) => AgentSessions.make(overrides === undefined ? options : { ...options, ...overrides })
  )

/**
 * The service the handler keeps: over effect4-core's fetch client given as a value, not through
 * `Transport.layerFetch`. When a `Fetch` or `RequestInit` is in the context that layer is built in, it
 * keeps that context and merges it into every request the client sends: for a service kept across
 * requests, the first request's `ExecutionContext`, scheduler and closed layer scope. Given as a value, the client reads the
 * `Fetch` and `RequestInit` of the request that calls it, and the service holds nothing of the request
 * that built it.
 */
const makeKept = (
  env: object,
  overrides: Partial<AgentSessionsOptions> | undefined
): Effect.Effect<AgentSessionsService, Config.ConfigError> =>
  makeFromEnv(env, overrides).pipe(
    Effect.provideService(HttpClient.HttpClient, Transport.fetchClient),
    Effect.provideService(Transport.HonoursAttempt, true)
  )

export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, Config.ConfigError> =>
  AgentSessions.layer(options).pipe(Layer.provide(Transport.layerFetch))

export const layerEnv = (
  env: object,
  overrides?: Partial<AgentSessionsOptions>
): Layer.Layer<AgentSessions, Config.ConfigError> =>
  Layer.effect(AgentSessions, makeFromEnv(env, overrides)).pipe(Layer.provide(Transport.layerFetch))

export const isAgentSessionsError = (u: unknown): u is AgentSessionsError =>
  AgentSessionsError.members.some((constructor) => u instanceof constructor)

export const statusOf = (error: AgentSessionsError): number => {
  switch (error._tag) {
    case "InvalidRequest":
      return 400
    case "ValidationError":
      return 422
    case "Forbidden":
      return 403
    case "AgentNotFound":
    case "SessionNotFound":
      return 404
    case "RateLimitExceeded":
      return 429
    case "RequestTimeout":
      return 504
    // The key is the Worker's, not the caller's: a 401 would ask the caller to authenticate.
    case "Unauthorized":
    case "ServerError":
    case "UnexpectedResponse":
    case "ResponseDecodeError":
    case "TransportError":
      return 502
  }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers }
  })

export const errorResponse = (error: AgentSessionsError): Response => {
  const retryAfter = "retryAfter" in error ? error.retryAfter : undefined
  const headers: Record<string, string> = {}
  if (retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(Duration.toSeconds(retryAfter)))
  return json(statusOf(error), {
    error: {
      type: error._tag,
      message: error.message,
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.status === undefined ? {} : { upstreamStatus: error.status }),
      ...(error.requestId === undefined ? {} : { requestId: error.requestId })
    }
  }, headers)
}

const interrupted = () => json(503, { error: { type: "Interrupted", message: "the request was cancelled" } })

/** The answer for a cause the user's effect did not handle. Unexpected ones are logged, never echoed. */
const responseFor = (cause: Cause.Cause<unknown>): Effect.Effect<Response> => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure) && isAgentSessionsError(failure.value)) return Effect.succeed(errorResponse(failure.value))
  if (Option.isSome(failure) && failure.value instanceof Config.ConfigError) {
    return Effect.as(
      Effect.logError(`@lyzr-effect/effect4-cloudflare: the LYZR_* bindings are invalid: ${failure.value.message}`),
      json(500, { error: { type: "ConfigError", message: "the Worker's Lyzr configuration is invalid" } })
    )
  }
  if (Cause.hasInterruptsOnly(cause)) return Effect.succeed(interrupted())
  return Effect.as(
    Effect.logError("@lyzr-effect/effect4-cloudflare: unhandled failure", Cause.pretty(cause)),
    json(500, { error: { type: "InternalError", message: "internal error" } })
  )
}

export interface HandlerOptions<Env> {
  readonly layer?: ((env: Env) => Layer.Layer<AgentSessions, Config.ConfigError>) | undefined
  readonly overrides?: Partial<AgentSessionsOptions> | undefined
}

/**
 * `self`, interrupted when `signal` aborts, from its very first step. `Effect.runPromiseExit`'s own
 * `signal` option only starts listening once the fiber's first synchronous run has ended (at its first
 * suspension), so an abort during that run (mid-build, say) would go unseen until the first I/O had
 * started. Listening from inside the fiber, an abort while it runs is taken at its next step, and the
 * listener goes with the fiber.
 */
const interruptedBy = <A, E, R>(self: Effect.Effect<A, E, R>, signal: AbortSignal): Effect.Effect<A, E, R> =>
  Effect.withFiber((fiber) => {
    if (signal.aborted) return Effect.interrupt
    const abort = () => fiber.interruptUnsafe()
    signal.addEventListener("abort", abort, { once: true })
    fiber.addObserver(() => signal.removeEventListener("abort", abort))
    return self
  })

/** How many sets of bindings a handler keeps a service for (a rotated secret adds one). */
export const cachedServices = 8

export const handler = <Env extends object, Ctx extends WorkerContext, E>(
  f: (request: Request, env: Env, ctx: Ctx) => Effect.Effect<Response, E, AgentSessions | ExecutionContext>,
  options: HandlerOptions<Env> = {}
): (request: Request, env: Env, ctx: Ctx) => Promise<Response> => {
  const { layer: custom, overrides } = options
  // Per handler, keyed by the LYZR_* binding values (so a rotated secret is used at once): the service
  // built from them. It is pure data and closures over it, built synchronously and stored only once
  // complete: the checked options, the redactor, the request template and a stateless fetch client (see
  // `makeKept`). No fiber, context, promise, scope, socket or queue is in it, so no request can leave it
  // half-built or poisoned.
  const services = new Map<string, AgentSessionsService>()
  // Suspended: the bindings (the cache key too) are read inside the request's fiber.
  const serviceFor = (env: Env): Effect.Effect<AgentSessionsService, Config.ConfigError> =>
    Effect.suspend(() => {
      const key = Settings.envKey(env)
      const cached = services.get(key)
      if (cached !== undefined) return Effect.succeed(cached)
      return Effect.tap(makeKept(env, overrides), (service) =>
        Effect.sync(() => {
          if (services.size >= cachedServices) services.delete(services.keys().next().value!)
          services.set(key, service)
        }))
    })
  return (request, env, ctx) => {
    // Built for this request and dropped with it: the fiber, its context and a scheduler of its own (so
    // no queue or timer is shared with another request), and a custom `layer` when one is given.
    const program = Effect.suspend(() => f(request, env, ctx)).pipe(
      custom === undefined
        ? Effect.provideServiceEffect(AgentSessions, serviceFor(env))
        : Effect.provide(custom(env)),
      Effect.provideService(ExecutionContext, ctx),
      Effect.catchCause(responseFor)
    )
    // With the `enable_request_signal` flag, a client that goes away interrupts the fiber (and its fetch).
    return Effect.runPromiseExit(interruptedBy(program, request.signal), {
      scheduler: new Scheduler.MixedScheduler()
    }).then((exit) => Exit.isSuccess(exit) ? exit.value : interrupted())
  }
}

export const waitUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<void, never, R | ExecutionContext> =>
  Effect.gen(function*() {
    const ctx = yield* ExecutionContext
    const context = yield* Effect.context<R>()
    const background = effect.pipe(
      Effect.catchCause((cause) =>
        Effect.logError("@lyzr-effect/effect4-cloudflare: background work failed", Cause.pretty(cause))
      ),
      Effect.asVoid
    )
    // Started now, inside this request (its I/O belongs to it), and kept alive past the response.
    ctx.waitUntil(Effect.runPromiseWith(context)(background))
  })
