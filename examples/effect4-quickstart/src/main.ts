/**
 * The quickstart on Effect 4 (`@lyzr-effect/effect4-*`): list an agent's sessions, fetch each with bounded
 * concurrency, print them as a table, then show typed errors being handled. The same program as
 * examples/node-quickstart (Effect 3): the imports name the effect4 packages, and the few Effect APIs that
 * changed between the majors (`Config.String`, `Config.Redacted`) are spelled the Effect 4 way.
 *
 * With no LYZR_API_KEY it starts the emulator on a loopback port and runs against it (and also shows a
 * rate limit healed by the retry policy). With LYZR_API_KEY (and optionally LYZR_BASE_URL, LYZR_AGENT_ID)
 * it runs the same against the real service. Node 24: `pnpm demo:effect4`.
 */
import { type AgentSession, AgentSessions } from "@lyzr-effect/effect4-core"
import { NodeLyzr } from "@lyzr-effect/effect4-node"
import * as Emulator from "@lyzr-effect/emulator/Emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { Cause, Clock, Config, Console, DateTime, Effect, Layer, Option, Tracer } from "effect"

/** Where the tour runs: the real service when a key is configured, else the emulator. */
const target = Effect.gen(function*() {
  const agentId = yield* Config.String("LYZR_AGENT_ID").pipe(Config.withDefault("agt_customer_support"))
  const key = yield* Config.option(Config.Redacted("LYZR_API_KEY"))
  if (Option.isSome(key)) {
    const baseUrl = yield* Config.option(Config.String("LYZR_BASE_URL"))
    return {
      title: `the real service (${Option.getOrElse(baseUrl, () => "default base URL")})`,
      agentId,
      layer: NodeLyzr.layerConfig,
      wrongKeyLayer: NodeLyzr.layer({ apiKey: "not-a-valid-key", baseUrl: Option.getOrUndefined(baseUrl) }),
      emulator: undefined
    }
  }
  const emulator = Emulator.make()
  const server = yield* Effect.acquireRelease(
    Effect.promise(() => serveNode(emulator, { hostname: "127.0.0.1", port: 0 })),
    (server) => Effect.promise(() => server.close())
  )
  return {
    title: `the emulator at ${server.url} (set LYZR_API_KEY to use the real service)`,
    agentId,
    layer: NodeLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: server.url }),
    wrongKeyLayer: NodeLyzr.layer({ apiKey: "not-a-valid-key", baseUrl: server.url }),
    emulator
  }
})

const cell = (
  text: string,
  width: number
) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width))

const metadataSummary = (session: AgentSession) =>
  Object.entries(session.metadata ?? {})
    .slice(0, 3)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ")

const table = (sessions: ReadonlyArray<AgentSession>) => {
  const widths = [28, 8, 17, 60] as const
  const row = (cells: ReadonlyArray<string>) => cells.map((text, i) => cell(text, widths[i]!)).join("  ")
  return [
    row(["id", "enabled", "created (UTC)", "metadata"]),
    row(widths.map((w) => "-".repeat(w))),
    ...sessions.map((s) =>
      row([
        s.id,
        s.enabled ? "yes" : "no",
        DateTime.formatIso(s.created_at).slice(0, 16).replace("T", " "),
        metadataSummary(s)
      ])
    )
  ].join("\n")
}

/**
 * Runs an effect with a tracer that keeps the spans it starts (the current tracer still makes them), so the
 * program can read what a call recorded, e.g. its `lyzr.attempts` attribute.
 */
const withSpansRecorded = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const tracer = yield* Effect.tracer
    const spans: Array<Tracer.Span> = []
    const recording = Tracer.make({
      span(options) {
        const span = tracer.span(options)
        spans.push(span)
        return span
      },
      ...(tracer.context === undefined ? {} : { context: tracer.context })
    })
    const result = yield* Effect.withTracer(effect, recording)
    return [result, spans] as const
  })

const tour = (
  agentId: string,
  emulator: Emulator.Emulator | undefined,
  wrongKeyLayer: Layer.Layer<AgentSessions, Config.ConfigError>
) =>
  Effect.gen(function*() {
    const sessions = yield* AgentSessions

    // 1. The agent's session IDs, then each session, four at a time.
    const ids = yield* sessions.list(agentId)
    yield* Console.log(`${agentId} has ${ids.length} sessions`)
    const details = yield* Effect.forEach(ids, (id) => sessions.get(agentId, id), { concurrency: 4 })
    yield* Console.log(`\n${table(details)}\n`)

    // 2. Typed errors, handled by tag.
    yield* Console.log("Typed errors, handled:")
    yield* sessions.get(agentId, "ase_does_not_exist").pipe(
      Effect.flatMap(() => Console.log("  unexpected: the unknown session was found")),
      Effect.catchTag("SessionNotFound", (error) =>
        Console.log(
          `  SessionNotFound  status=${error.status} code=${error.code} requestId=${error.requestId}: ${error.message}`
        ))
    )
    yield* Effect.flatMap(AgentSessions, (wrong) => wrong.list(agentId)).pipe(
      Effect.provide(wrongKeyLayer),
      Effect.flatMap(() => Console.log("  unexpected: the wrong key was accepted")),
      Effect.catchTag("Unauthorized", (error) =>
        Console.log(`  Unauthorized     status=${error.status} requestId=${error.requestId}: ${error.message}`))
    )

    // 3. A rate limit healed by the retry policy (the emulator injects one 429 with Retry-After: 1).
    // The call's span (AgentSessions.get) records how many attempts it took.
    if (emulator !== undefined && ids[0] !== undefined) {
      emulator.inject({ route: "get", times: 1, fault: { type: "rateLimit", retryAfter: "1" } })
      const started = yield* Clock.currentTimeMillis
      const [session, spans] = yield* withSpansRecorded(sessions.get(agentId, ids[0]))
      const waited = ((yield* Clock.currentTimeMillis) - started) / 1000
      const attempts = spans.find((span) =>
        span.name === "AgentSessions.get"
      )?.attributes.get("lyzr.attempts")
      const limited = emulator.requests.filter((request) => request.status === 429).length
      yield* Console.log(
        `  RateLimitExceeded healed: ${limited} answer 429 with Retry-After: 1, retried after ${
          waited.toFixed(1)
        } s, got ${session.id} on attempt ${String(attempts)}`
      )
    }
  })

const main = Effect.gen(function*() {
  const { agentId, emulator, layer, title, wrongKeyLayer } = yield* target
  yield* Console.log(`lyzr-effect quickstart (Effect 4) against ${title}\n`)
  // The layer (and its connection pool) lives as long as the tour.
  yield* tour(agentId, emulator, wrongKeyLayer).pipe(Effect.provide(layer))
}).pipe(Effect.scoped)

Effect.runPromiseExit(main).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(Cause.pretty(exit.cause))
    process.exitCode = 1
  }
})
