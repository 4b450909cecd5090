/**
 * List an agent's sessions and fetch each, from a Deno script run with the narrowest permissions.
 *
 * With no LYZR_API_KEY it serves the emulator with `Deno.serve` on a loopback port and runs against
 * it. With LYZR_API_KEY (and optionally LYZR_BASE_URL, LYZR_AGENT_ID) it runs against the real
 * service; add that host to --allow-net.
 *
 *   deno run --no-prompt --allow-net=127.0.0.1 \
 *     --allow-env=LYZR_API_KEY,LYZR_BASE_URL,LYZR_TIMEOUT,LYZR_MAX_RETRIES,LYZR_ALLOW_INSECURE_HTTP,LYZR_AGENT_ID \
 *     main.ts
 */
import { type AgentSession, AgentSessions } from "@lyzr-effect/core"
import { DenoLyzr } from "@lyzr-effect/deno"
import { Emulator } from "@lyzr-effect/emulator"
import { serveDeno } from "@lyzr-effect/emulator/deno"
import { Cause, Config, Console, DateTime, Effect, Exit, Option } from "effect"

/** The real service when LYZR_API_KEY is set, else the emulator on loopback (closed with the scope). */
const target = Effect.gen(function*() {
  const agentId = yield* Config.string("LYZR_AGENT_ID").pipe(Config.withDefault("agt_customer_support"))
  const key = yield* Config.option(Config.redacted("LYZR_API_KEY"))
  if (Option.isSome(key)) {
    const baseUrl = yield* Config.string("LYZR_BASE_URL").pipe(Config.withDefault("the default base URL"))
    return { title: `the real service (${baseUrl})`, agentId, layer: DenoLyzr.layerConfig }
  }
  const server = yield* Effect.acquireRelease(
    Effect.try({
      try: () => serveDeno(Emulator.make(), { hostname: "127.0.0.1", port: 0 }),
      catch: (error) => `the emulator could not listen on 127.0.0.1 (${String(error)}); run with --allow-net=127.0.0.1`
    }),
    (server) => Effect.promise(() => server.close())
  )
  return {
    title: `the emulator at ${server.url} (set LYZR_API_KEY to use the real service)`,
    agentId,
    layer: DenoLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: server.url })
  }
}).pipe(Effect.withConfigProvider(DenoLyzr.configProvider))

const line = (session: AgentSession) =>
  `  ${session.id.padEnd(28)} ${session.enabled ? "enabled " : "disabled"} ` +
  `${DateTime.formatIso(session.created_at).slice(0, 16).replace("T", " ")}  ${
    (session.description ?? "").slice(0, 50)
  }`

const main = Effect.gen(function*() {
  const { agentId, layer, title } = yield* target
  yield* Console.log(`lyzr-effect on Deno ${Deno.version.deno}, against ${title}`)
  yield* Effect.gen(function*() {
    const sessions = yield* AgentSessions
    const ids = yield* sessions.list(agentId)
    yield* Console.log(`${agentId} has ${ids.length} sessions:`)
    const details = yield* Effect.forEach(ids, (id) => sessions.get(agentId, id), { concurrency: 4 })
    for (const session of details) yield* Console.log(line(session))
    // A typed error, handled by its tag.
    yield* sessions.get(agentId, "ase_does_not_exist").pipe(
      Effect.flatMap(() => Console.log("unexpected: the unknown session was found")),
      Effect.catchTag(
        "SessionNotFound",
        (error) => Console.log(`ase_does_not_exist: SessionNotFound (status ${error.status}): ${error.message}`)
      )
    )
  }).pipe(Effect.provide(layer))
}).pipe(Effect.scoped)

const exit = await Effect.runPromiseExit(main)
if (Exit.isFailure(exit)) {
  // Typed errors (a missing permission included) print as one line each, without a stack.
  const failure = Cause.failureOption(exit.cause)
  console.error(Option.isSome(failure) ? `error: ${String(failure.value)}` : Cause.pretty(exit.cause))
  Deno.exitCode = 1
}
