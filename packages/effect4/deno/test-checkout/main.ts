/**
 * A script run from this package's folder in a clone, importing the packages by name: this folder's
 * `deno.json` maps `effect` (4.x) and `@lyzr-effect/effect4-core` to `npm:` specifiers, and with
 * `"nodeModulesDir": "manual"` Deno takes them from the `node_modules` that `pnpm install` made, where the
 * workspace packages are links to their `src/`. No registry is asked.
 *
 *   cd packages/effect4/deno && deno run --allow-net=127.0.0.1 test-checkout/main.ts
 *
 * It serves the emulator on a loopback port, lists and gets sessions through `DenoLyzr`, and prints one
 * JSON line: where each package resolved, and what the calls returned.
 */
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { serveDeno } from "@lyzr-effect/emulator/deno"
import * as Emulator from "@lyzr-effect/emulator/Emulator"
import { Effect } from "effect"
import { DenoLyzr } from "../src/index.ts"

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
  const names = ["@lyzr-effect/effect4-core", "@lyzr-effect/emulator/Emulator", "effect"]
  const resolved = Object.fromEntries(names.map((name) => [name, import.meta.resolve(name)]))
  const { version } = await import("effect/package.json", { with: { type: "json" } }).then((m) => m.default)
  console.log(JSON.stringify({ resolved, effectVersion: version, ...result }))
} finally {
  await server.close()
}
