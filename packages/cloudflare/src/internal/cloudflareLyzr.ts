/**
 * The Workers adapter: core's `AgentSessions` over the runtime's `fetch`, configured from `env`
 * bindings, and a `fetch` handler that runs each request on a fiber and scheduler of its own, with the
 * service built once per set of bindings.
 */
import {
  AgentSessions,
  AgentSessionsError,
  type AgentSessionsOptions,
  type AgentSessionsService,
  Transport
} from "@lyzr-effect/core"
import { Settings } from "@lyzr-effect/wire"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import { RequestScheduler } from "./requestScheduler.ts"

/** The part of a Worker's `ExecutionContext` the adapter uses. */
export interface WorkerContext {
  readonly waitUntil: (promise: Promise<unknown>) => void
}

export class ExecutionContext extends Context.Tag("@lyzr-effect/cloudflare/ExecutionContext")<
  ExecutionContext,
  WorkerContext
>() {}

/**
 * The options the `LYZR_*` bindings give, read without Effect `Config` (the wire's reader, with the
 * rules of `AgentSessions.config`). Secrets and plain vars are strings; a var declared as a number or
 * boolean in `wrangler.toml` arrives as one and is read as its text. No other binding is touched.
 * Marked as read from variables, so that every message names the binding.
 */
export const optionsFromEnv = (env: object): Either.Either<AgentSessionsOptions, ConfigError.ConfigError> => {
  const bindings = env as Record<string, unknown>
  const read = Settings.readEnv((name) => bindings[name])
  if (read._tag === "Invalid") {
    return Either.left(
      bindings[read.name] === undefined
        ? ConfigError.MissingData([read.name], read.message)
        : ConfigError.InvalidData([read.name], read.message)
    )
  }
  const options = Settings.envOptions(read.value)
  return Either.right({ ...options, apiKey: Redacted.make(options.apiKey) } as AgentSessionsOptions)
}

/** The service from the bindings (and `overrides`), over the runtime's `fetch`. */
const makeFromEnv = (
  env: object,
  overrides: Partial<AgentSessionsOptions> | undefined
): Effect.Effect<AgentSessionsService, ConfigError.ConfigError> =>
  // Suspended: the bindings are read inside the fiber that builds the service, not before it starts.
  Effect.suspend(() => optionsFromEnv(env)).pipe(
    Effect.flatMap((options) => AgentSessions.make(overrides === undefined ? options : { ...options, ...overrides })),
    Effect.provide(Transport.layerFetch)
  )

export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, ConfigError.ConfigError> =>
  AgentSessions.layer(options).pipe(Layer.provide(Transport.layerFetch))

export const layerEnv = (
  env: object,
  overrides?: Partial<AgentSessionsOptions>
): Layer.Layer<AgentSessions, ConfigError.ConfigError> => Layer.effect(AgentSessions, makeFromEnv(env, overrides))

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

/** The answer for a cause the user's effect did not handle. Unexpected ones are logged, never echoed. */
const responseFor = (cause: Cause.Cause<unknown>): Effect.Effect<Response> => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure) && isAgentSessionsError(failure.value)) return Effect.succeed(errorResponse(failure.value))
  if (Option.isSome(failure) && ConfigError.isConfigError(failure.value)) {
    return Effect.as(
      Effect.logError("@lyzr-effect/cloudflare: the LYZR_* bindings are invalid", cause),
      json(500, { error: { type: "ConfigError", message: "the Worker's Lyzr configuration is invalid" } })
    )
  }
  if (Cause.isInterruptedOnly(cause)) {
    return Effect.succeed(json(503, { error: { type: "Interrupted", message: "the request was cancelled" } }))
  }
  return Effect.as(
    Effect.logError("@lyzr-effect/cloudflare: unhandled failure", cause),
    json(500, { error: { type: "InternalError", message: "internal error" } })
  )
}

export interface HandlerOptions<Env> {
  readonly layer?: ((env: Env) => Layer.Layer<AgentSessions, ConfigError.ConfigError>) | undefined
  readonly overrides?: Partial<AgentSessionsOptions> | undefined
}

/** How many sets of bindings a handler keeps a service for (a rotated secret adds one). */
export const cachedServices = 8

export const handler = <Env extends object, Ctx extends WorkerContext, E>(
  f: (request: Request, env: Env, ctx: Ctx) => Effect.Effect<Response, E, AgentSessions | ExecutionContext>,
  options: HandlerOptions<Env> = {}
): (request: Request, env: Env, ctx: Ctx) => Promise<Response> => {
  const { layer: custom, overrides } = options
  // Per handler, keyed by the LYZR_* binding values (so a rotated secret is used at once): the service
  // built from them. It is pure data and closures over it, built synchronously and stored only once
  // complete: the checked options, the redactor, the request template and a stateless fetch client. No
  // fiber, promise, scope, socket or queue is in it, so no request can leave it half-built or poisoned.
  const services = new Map<string, AgentSessionsService>()
  const build = (key: string, env: Env): Effect.Effect<AgentSessionsService, ConfigError.ConfigError> =>
    Effect.tap(makeFromEnv(env, overrides), (service) =>
      Effect.sync(() => {
        if (services.size >= cachedServices) services.delete(services.keys().next().value!)
        services.set(key, service)
      }))
  return (request, env, ctx) => {
    // Built for this request and dropped with it: the fiber, its context and a scheduler of its own (so
    // no queue or timer is shared with another request), and a custom `layer` when one is given.
    const body = Effect.suspend(() => f(request, env, ctx))
    let program: Effect.Effect<Response, unknown>
    if (custom !== undefined) {
      program = body.pipe(Effect.provide(custom(env)), Effect.provideService(ExecutionContext, ctx))
    } else {
      const key = Settings.envKey(env)
      const cached = services.get(key)
      // One change of context: the service and the request's ctx.
      const provided = (service: AgentSessionsService) =>
        Effect.mapInputContext(
          body,
          (context: Context.Context<never>) =>
            Context.add(Context.add(context, AgentSessions, service), ExecutionContext, ctx)
        )
      program = cached !== undefined ? provided(cached) : Effect.flatMap(build(key, env), provided)
    }
    return run(Effect.catchAllCause(program, responseFor), request.signal)
  }
}

/**
 * Runs a request's program on a fiber of the default runtime with a scheduler of its own (set when the
 * fiber is made), interrupted when `signal` aborts (with the `enable_request_signal` flag, a client that
 * goes away). What `Effect.runPromiseExit(…, { signal })` does, plus the scheduler.
 */
const run = (program: Effect.Effect<Response>, signal: AbortSignal): Promise<Response> =>
  new Promise<Exit.Exit<Response>>((resolve) => {
    const fiber = Runtime.runFork(Runtime.defaultRuntime, program, { scheduler: new RequestScheduler() })
    fiber.addObserver(resolve)
    if (signal.aborted) {
      fiber.unsafeInterruptAsFork(fiber.id())
      return
    }
    const onAbort = () => fiber.unsafeInterruptAsFork(fiber.id())
    signal.addEventListener("abort", onAbort, { once: true })
    fiber.addObserver(() => signal.removeEventListener("abort", onAbort))
  }).then((exit) =>
    Exit.isSuccess(exit)
      ? exit.value
      : json(503, { error: { type: "Interrupted", message: "the request was cancelled" } })
  )

export const waitUntil = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<void, never, R | ExecutionContext> =>
  Effect.gen(function*() {
    const ctx = yield* ExecutionContext
    const runtime = yield* Effect.runtime<R>()
    const background = effect.pipe(
      Effect.catchAllCause((cause) => Effect.logError("@lyzr-effect/cloudflare: background work failed", cause)),
      Effect.asVoid
    )
    // Started now, inside this request (its I/O belongs to it), and kept alive past the response.
    ctx.waitUntil(Runtime.runPromise(runtime, background))
  })
