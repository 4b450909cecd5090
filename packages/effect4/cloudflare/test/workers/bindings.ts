/**
 * A Worker for the handler's per-isolate services, in workerd. Every route lists the agent's sessions
 * through one `CloudflareLyzr.handler`, with the Worker's bindings changed per request the way a
 * rotated secret or another tenant would change them (same isolate, same handler):
 * - `GET /list/:agentId` with `x-test-key`: `LYZR_API_KEY` is that header's value for this request.
 * - `GET /abort-build/:agentId`: the request's signal aborts while the service is being built for a
 *   set of bindings it has not seen (on the handler's second read of `LYZR_API_KEY`: the first makes the
 *   cache key, the second is the build's own); answers what the handler answered.
 */
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { Effect } from "effect"
import { CloudflareLyzr } from "../../src/index.ts"

interface Env extends CloudflareLyzr.LyzrEnv {
  readonly LYZR_API_KEY: string
}

const lyzr = CloudflareLyzr.handler((request: Request) =>
  Effect.flatMap(AgentSessions, (sessions) => sessions.list(new URL(request.url).pathname.split("/")[2] ?? "")).pipe(
    Effect.map((ids) => Response.json({ ids }))
  )
)

export default {
  fetch: (request: Request, env: Env, ctx: CloudflareLyzr.WorkerContext): Promise<Response> => {
    const [, route] = new URL(request.url).pathname.split("/")
    if (route === "list") {
      return lyzr(request, { ...env, LYZR_API_KEY: request.headers.get("x-test-key") ?? "" }, ctx)
    }
    if (route === "abort-build") {
      const controller = new AbortController()
      let reads = 0
      const bindings = {
        ...env,
        get LYZR_API_KEY() {
          if (++reads === 2) controller.abort()
          return request.headers.get("x-test-key") ?? ""
        }
      }
      return lyzr(new Request(request.url, { signal: controller.signal }), bindings, ctx)
    }
    return Promise.resolve(new Response("not found", { status: 404 }))
  }
}
