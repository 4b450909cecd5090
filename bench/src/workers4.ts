/**
 * The Workers rows of `workers.ts` for the Effect 4 line (run by `effect4.ts` on Node 24): a bare
 * `fetch` handler, effect4-cloudflare's `CloudflareLyzr.handler` as shipped, the same handler with a
 * layer built inside every request, and a `ManagedRuntime` over `CloudflareLyzr.layer` built once.
 * One `get()` per request, requests one at a time; each handler answers the same small JSON.
 */
import { CloudflareLyzr } from "@lyzr-effect/effect4-cloudflare"
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { Effect, ManagedRuntime } from "effect4"
import { agentId, sessionId } from "./fixtures.ts"
import { bare, type WorkerContender } from "./workerHandlers.ts"

const route = Effect.flatMap(AgentSessions, (sessions) => sessions.get(agentId, sessionId)).pipe(
  Effect.map((session) => Response.json({ id: session.id, description: session.description }))
)

export const make = (): ReadonlyArray<WorkerContender> => {
  let runtime: ManagedRuntime.ManagedRuntime<AgentSessions, unknown> | undefined
  return [
    bare,
    {
      name: "effect4-cloudflare CloudflareLyzr.handler",
      handler: CloudflareLyzr.handler(() => route),
      dispose: async () => {}
    },
    {
      name: "effect4-cloudflare CloudflareLyzr.handler, layer built per request (options.layer)",
      handler: CloudflareLyzr.handler(() => route, { layer: (env) => CloudflareLyzr.layerEnv(env) }),
      dispose: async () => {}
    },
    {
      name: "ManagedRuntime over effect4-cloudflare CloudflareLyzr.layer, built once",
      handler: (_request, env) => {
        runtime ??= ManagedRuntime.make(
          CloudflareLyzr.layer({ apiKey: env.LYZR_API_KEY ?? "", baseUrl: env.LYZR_BASE_URL })
        )
        return runtime.runPromise(route)
      },
      dispose: async () => {
        await runtime?.dispose()
      }
    }
  ]
}
