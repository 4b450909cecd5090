/**
 * The Effect 4 runner: a scenario's data mapped to `AgentSessions` calls (on `@lyzr-effect/effect4-core` in
 * process, on `@lyzr-effect/effect4-node` over sockets), and what came back mapped to the plain records
 * `verify` checks. No behaviour is asserted here: the scenarios are the spec.
 */
import type { Call, Context, Observed, ObservedError, ObservedSpan, Outcome, Scenario } from "@lyzr-effect/behaviour"
import { inProcessOrigin, inProcessOther, key, render } from "@lyzr-effect/behaviour"
import { playInProcess } from "@lyzr-effect/behaviour/play"
import { serveScript } from "@lyzr-effect/behaviour/server"
import {
  AgentSessions,
  type AgentSessionsError,
  type AgentSessionsOptions,
  type AgentSessionsService
} from "@lyzr-effect/effect4-core"
import { NodeLyzr } from "@lyzr-effect/effect4-node"
import {
  Cause,
  Clock,
  ConfigProvider,
  DateTime,
  Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Logger,
  Option,
  References,
  Tracer
} from "effect"
import { HttpClient, HttpClientError, HttpClientResponse } from "effect/http"
import { TestClock } from "effect/testing"

/** The base URL a scenario configures: its own, or the server's origin (and path). */
const baseUrlOf = (scenario: Scenario, origin: string) =>
  scenario.options?.baseUrl ?? origin + (scenario.options?.basePath ?? "")

/** The options as a user would pass them; only the ones the scenario sets, so the defaults apply. */
const optionsOf = (scenario: Scenario, context: Omit<Context, "now">, origin: string): AgentSessionsOptions => {
  const o = scenario.options ?? {}
  const options: Record<string, unknown> = {
    apiKey: o.apiKey === null ? undefined : render(o.apiKey ?? "{{key}}", { ...context, now: 0 }),
    baseUrl: baseUrlOf(scenario, origin)
  }
  for (const name of ["timeout", "maxRetries", "maxResponseBytes", "maxRedirects", "allowInsecureHttp"] as const) {
    if (name in o) options[name] = o[name]
  }
  return options as unknown as AgentSessionsOptions
}

/** `LYZR_*` variables: the key and base URL filled in unless the scenario sets (or removes) them. */
const providerOf = (env: NonNullable<Scenario["env"]>, origin: string) =>
  ConfigProvider.layer(ConfigProvider.fromEnvRecord(
    Object.fromEntries(
      Object.entries({ LYZR_API_KEY: key, LYZR_BASE_URL: origin, ...env }).flatMap(([name, value]) =>
        value === null ? [] : [[name, value] as const]
      )
    )
  ))

const invoke = (sessions: AgentSessionsService, call: Call, context: Context) =>
  "list" in call
    ? Effect.map(sessions.list(render(call.list, context)), (ids): unknown => Array.from(ids))
    : Effect.map(sessions.get(render(call.get[0], context), render(call.get[1], context)), (s): unknown => ({
      id: s.id,
      agent_id: s.agent_id,
      ...(s.description === undefined ? {} : { description: s.description }),
      metadata: s.metadata,
      enabled: s.enabled,
      created_at: DateTime.formatIso(s.created_at)
    }))

const millis = (d: Duration.Duration | undefined) => (d === undefined ? undefined : Duration.toMillis(d))

const observeError = (e: AgentSessionsError): ObservedError => ({
  _tag: e._tag,
  message: e.message,
  status: e.status,
  code: e.code,
  requestId: e.requestId,
  body: e.body,
  url: e.url,
  retryAfterMillis: "retryAfter" in e ? millis(e.retryAfter) : undefined,
  location: "location" in e ? e.location : undefined,
  transient: "transient" in e ? e.transient : undefined,
  timeoutMillis: e._tag === "RequestTimeout" ? millis(e.timeout) : undefined,
  detail: e._tag !== "ValidationError" || e.detail === undefined
    ? undefined
    : typeof e.detail === "string"
    ? e.detail
    : e.detail.map(({ loc, msg, type }) => ({ loc: [...loc], msg, type }))
})

/**
 * Runs the call on `layer` with a recording tracer and a logger that keeps every line at every level,
 * and maps what came back to `Observed` (requests, timing and abandonment come from the caller).
 */
const observeCall = (scenario: Scenario, context: Context, layer: Layer.Layer<AgentSessions, unknown>) => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const logs: Array<string> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    const parts = [logLevel, ...(Array.isArray(message) ? message : [message]).map(String)]
    for (const [name, value] of Object.entries(fiber.getRef(References.CurrentLogAnnotations))) {
      parts.push(`${name}=${String(value)}`)
    }
    if (cause.reasons.length > 0) parts.push(Cause.pretty(cause))
    logs.push(parts.join(" "))
  })
  return Effect.flatMap(AgentSessions, (sessions: AgentSessionsService) =>
    Effect.gen(function*() {
      const start = yield* Clock.currentTimeMillis
      const exit = yield* Effect.exit(invoke(sessions, scenario.call, context))
      return { exit, elapsed: (yield* Clock.currentTimeMillis) - start }
    })).pipe(
      Effect.provide(layer),
      Effect.exit,
      Effect.withTracer(tracer),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "All"),
      Effect.map((built) => {
        const texts = [...logs]
        let outcome: Outcome
        let elapsed = 0
        if (Exit.isFailure(built)) {
          // The layer failed: the options were refused.
          const failure = Cause.findErrorOption(built.cause)
          outcome = Option.isSome(failure)
            ? { _tag: "refused", text: `${String(failure.value)} ${Cause.pretty(built.cause)}` }
            : { _tag: "defect", text: Cause.pretty(built.cause) }
        } else {
          const { exit } = built.value
          elapsed = built.value.elapsed
          if (Exit.isSuccess(exit)) outcome = { _tag: "value", value: exit.value }
          else {
            const failure = Cause.findErrorOption(exit.cause)
            texts.push(Cause.pretty(exit.cause))
            if (Option.isSome(failure) && !Cause.hasInterrupts(exit.cause)) {
              const error = failure.value
              texts.push(String(error), JSON.stringify(error), error.message, error.stack ?? "")
              outcome = { _tag: "error", error: observeError(error) }
            } else outcome = { _tag: "defect", text: Cause.pretty(exit.cause) }
          }
        }
        const observedSpans: Array<ObservedSpan> = spans.map((span) => ({
          name: span.name,
          attributes: Object.fromEntries(span.attributes)
        }))
        return { outcome, elapsed, spans: observedSpans, texts }
      })
    )
}

/** Real time passes (timers, promises, streams in process): the fiber runs as far as it can. */
const tick = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))

/**
 * In process: a scripted `HttpClient` (`HttpClient.make`) on `@lyzr-effect/effect4-core`, under the
 * TestClock. The call runs in a fiber on a clock that notes each sleep it is asked for; whenever nothing
 * moves any more, the TestClock jumps to the earliest one, so every wait (backoff, Retry-After, timeout)
 * takes exactly its time and no real time.
 */
export const runInProcess = (scenario: Scenario) =>
  Effect.gen(function*() {
    const origin = inProcessOrigin(scenario)
    const context = { key, base: origin, other: inProcessOther }
    const script = playInProcess(scenario, context)
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const played = script.answer(url, request.method, { ...request.headers }, now, now)
        if (played._tag === "hang") return yield* Effect.never
        if (played._tag === "fault") {
          return yield* Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, cause: played.error })
            })
          )
        }
        if (played.delayMillis > 0) yield* Effect.sleep(played.delayMillis)
        return HttpClientResponse.fromWeb(request, played.response)
      })
    )
    const service = scenario.env === undefined
      ? AgentSessions.layer(optionsOf(scenario, context, origin))
      : AgentSessions.layerConfig.pipe(Layer.provide(providerOf(scenario.env, origin)))
    const layer = service.pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))

    const clock = yield* Clock.Clock
    const sleeps = new Set<{ readonly at: number }>()
    const noting: Clock.Clock = {
      ...clock,
      sleep: (duration) =>
        Effect.suspend(() => {
          const entry = { at: clock.currentTimeMillisUnsafe() + Duration.toMillis(duration) }
          sleeps.add(entry)
          return Effect.ensuring(clock.sleep(duration), Effect.sync(() => sleeps.delete(entry)))
        })
    }
    const fiber = yield* Effect.forkChild(
      observeCall(scenario, { ...context, now: 0 }, layer).pipe(Effect.provideService(Clock.Clock, noting))
    )
    let quiet = 0
    while (fiber.pollUnsafe() === undefined) {
      const before = script.activity()
      yield* tick
      quiet = script.activity() === before ? quiet + 1 : 0
      if (quiet < 3) continue
      quiet = 0
      if (sleeps.size === 0) {
        // Nothing moves and no timer is pending: the call would hang for ever.
        yield* Fiber.interrupt(fiber)
        break
      }
      yield* TestClock.adjust(Math.min(...[...sleeps].map((s) => s.at)) - clock.currentTimeMillisUnsafe())
    }
    const exit = yield* Fiber.await(fiber)
    const observed = Exit.isSuccess(exit)
      ? exit.value
      : {
        outcome: { _tag: "defect", text: "the call neither ended nor waited on a timer" } as const,
        elapsed: 0,
        spans: [],
        texts: []
      }
    return {
      ...observed,
      requests: script.requests,
      bodyAbandoned: script.bodyAbandoned()
    } satisfies Observed
  })

/** Over sockets: the script served on 127.0.0.1 and the call through `NodeLyzr` (undici), in real time. */
export const runOverSockets = async (scenario: Scenario): Promise<{ observed: Observed; context: Context }> => {
  const server = await serveScript(scenario, key)
  const context = { key, base: server.base, other: server.other, now: 0 }
  const layer = scenario.env === undefined
    ? NodeLyzr.layer(optionsOf(scenario, context, server.base))
    : NodeLyzr.layerConfig.pipe(Layer.provide(providerOf(scenario.env, server.base)))
  let result: Effect.Success<ReturnType<typeof observeCall>>
  try {
    server.start()
    result = await Effect.runPromise(observeCall(scenario, context, layer))
  } finally {
    await server.close()
  }
  return {
    observed: { ...result, requests: server.requests, bodyAbandoned: server.bodyAbandoned() },
    context
  }
}
