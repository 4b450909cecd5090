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
import { agentId, apiKey, getPath, isSession, sessionId } from "./fixtures.ts"

type FetchHandler = (
  request: Request,
  env: CloudflareLyzr.LyzrEnv,
  ctx: CloudflareLyzr.WorkerContext
) => Promise<Response>

export interface WorkerContender {
  readonly name: string
  readonly handler: FetchHandler
  readonly dispose: () => Promise<void>
}

// Every handler answers the same small JSON made from the session.
const route = Effect.flatMap(AgentSessions, (sessions) => sessions.get(agentId, sessionId)).pipe(
  Effect.map((session) => Response.json({ id: session.id, description: session.description }))
)

export const bareName = "bare fetch handler: fetch + JSON + shape check + Response.json"

export const make = (): ReadonlyArray<WorkerContender> => {
  let runtime: ManagedRuntime.ManagedRuntime<AgentSessions, unknown> | undefined
  return [
    {
      name: bareName,
      handler: async (_request, env) => {
        const response = await fetch(`${env.LYZR_BASE_URL}${getPath}`, {
          headers: { "x-api-key": env.LYZR_API_KEY ?? "", accept: "application/json" },
          redirect: "manual"
        })
        const json: unknown = await response.json()
        if (response.status !== 200 || !isSession(json)) return new Response("bad gateway", { status: 502 })
        const session = json as { readonly id: string; readonly description?: string | null }
        return Response.json({ id: session.id, description: session.description })
      },
      dispose: async () => {}
    },
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

/** `n` requests, one at a time, each answered and its body read. */
export const run = async (contender: WorkerContender, origin: string, n: number): Promise<void> => {
  const env: CloudflareLyzr.LyzrEnv = { LYZR_API_KEY: apiKey, LYZR_BASE_URL: origin }
  const ctx: CloudflareLyzr.WorkerContext = { waitUntil: () => {} }
  for (let i = 0; i < n; i++) {
    const response = await contender.handler(new Request("https://worker.test/session"), env, ctx)
    const body = await response.text()
    if (response.status !== 200) throw new Error(`bench: ${contender.name} answered ${response.status}: ${body}`)
  }
}
