/**
 * A script run from the root of a clone, importing the packages by name: the root `deno.json` maps
 * `@lyzr-effect/core`, `deno` and `emulator` (and `wire`, which core builds on) to their `src/`, and `effect`
 * and `@effect/platform` come from the `node_modules` that `pnpm install` made. No registry is asked.
 *
 *   deno run --allow-net=127.0.0.1 packages/deno/test-checkout/main.ts
 *
 * It serves the emulator on a loopback port, lists and gets sessions through `DenoLyzr`, and prints
 * one JSON line: where each package resolved, and what the calls returned.
 */
import { AgentSessions } from "@lyzr-effect/core"
import { DenoLyzr } from "@lyzr-effect/deno"
import { Emulator } from "@lyzr-effect/emulator"
import { serveDeno } from "@lyzr-effect/emulator/deno"
import { Effect } from "effect"

const agentId = "agt_customer_support"

const program = Effect.gen(function*() {
  const sessions = yield* AgentSessions
  const ids = yield* sessions.list(agentId)
  const first = yield* sessions.get(agentId, ids[0]!)
  const missing = yield* Effect.flip(sessions.get(agentId, "ase_does_not_exist"))
  return {
    ids,
    first: { id: first.id, enabled: first.enabled },
    missing: { tag: missing._tag, status: missing.status }
  }
})

const server = serveDeno(Emulator.make(), { hostname: "127.0.0.1", port: 0 })
try {
  const result = await program.pipe(
    Effect.provide(DenoLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: server.url })),
    Effect.runPromise
  )
  const names = [
    "@lyzr-effect/core",
    "@lyzr-effect/deno",
    "@lyzr-effect/emulator",
    "@lyzr-effect/emulator/deno",
    "effect"
  ]
  const resolved = Object.fromEntries(names.map((name) => [name, import.meta.resolve(name)]))
  console.log(JSON.stringify({ resolved, ...result }))
} finally {
  await server.close()
}
