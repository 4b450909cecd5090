/**
 * Helpers of the Deno suite: an emulator served with `Deno.serve` on loopback, and the adapter's layer
 * pointed at it.
 */
import type { AgentSessionsError, AgentSessionsOptions } from "@lyzr-effect/effect4-core"
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { serveDeno } from "@lyzr-effect/emulator/deno"
import * as Emulator from "@lyzr-effect/emulator/Emulator"
import { Cause, Effect, Exit, Option } from "effect"
import { DenoLyzr } from "../src/index.ts"

export { AgentSessions, Emulator }

export interface Served {
  readonly emulator: Emulator.Emulator
  readonly url: string
}

/** Runs `f` against a fresh emulator served on an ephemeral loopback port, closing it afterwards. */
export const withEmulator = async <A>(
  f: (served: Served) => Promise<A>,
  options: Emulator.Options = {}
): Promise<A> => {
  const emulator = Emulator.make(options)
  const server = serveDeno(emulator)
  try {
    return await f({ emulator, url: server.url })
  } finally {
    await server.close()
  }
}

/** Runs a program on `DenoLyzr.layer` against `url`: the full key, no retries unless asked. */
export const run = <A, E>(
  url: string,
  program: Effect.Effect<A, E, AgentSessions>,
  options: Partial<AgentSessionsOptions> = {}
) =>
  Effect.runPromiseExit(
    program.pipe(
      Effect.provide(DenoLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: url, maxRetries: 0, ...options }))
    )
  )

export const list = (agentId: string) => Effect.flatMap(AgentSessions, (sessions) => sessions.list(agentId))

export const get = (agentId: string, sessionId: string) =>
  Effect.flatMap(AgentSessions, (sessions) => sessions.get(agentId, sessionId))

/** The typed failure of an exit; throws when the exit succeeded or died. */
export const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  return Option.getOrThrowWith(Cause.findErrorOption(exit.cause), () => new Error(Cause.pretty(exit.cause)))
}

/** The value of an exit; throws with the pretty cause otherwise. */
export const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(Cause.pretty(exit.cause))
  return exit.value
}

export type { AgentSessionsError }
