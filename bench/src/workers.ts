/**
 * Workers handlers in Node (the V8 that workerd runs), one `get()` per request against the fixed-body
 * server, requests one at a time as an isolate mostly serves them: the CPU this process spends per
 * request (the server is another process), for
 * - a bare `fetch` handler: `fetch` + `response.json()` + a shape check + `Response.json`;
 * - `CloudflareLyzr.handler` as shipped (the service kept per set of bindings);
 * - the same handler with a layer built inside every request (`options.layer`: what it did before);
 * - a `ManagedRuntime` over `CloudflareLyzr.layer` built once (what effect#6319 rules out in a Worker).
 * Rounds in rotating order; each contender's cost over the bare handler is taken per round.
 */
import { CloudflareLyzr } from "@lyzr-effect/cloudflare"
import { AgentSessions } from "@lyzr-effect/core"
import { Effect, ManagedRuntime } from "effect"
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
      name: "CloudflareLyzr.handler",
      handler: CloudflareLyzr.handler(() => route),
      dispose: async () => {}
    },
    {
      name: "CloudflareLyzr.handler, layer built per request (options.layer)",
      handler: CloudflareLyzr.handler(() => route, { layer: (env) => CloudflareLyzr.layerEnv(env) }),
      dispose: async () => {}
    },
    {
      name: "ManagedRuntime over CloudflareLyzr.layer, built once",
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
