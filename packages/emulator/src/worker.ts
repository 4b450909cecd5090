/**
 * A module Worker serving an emulator in workerd (Cloudflare Workers,
 * Miniflare, `wrangler dev`).
 *
 * Configuration comes from the `EMULATOR_CONFIG` binding: a JSON string (or a
 * JSON binding) `{ "listShape"?, "seed"?, "faults"?, "fixture"? }`, the
 * {@link Emulator.Options} of `Emulator.make`. The emulator is created on the
 * first request (Workers forbid I/O, timers and randomness at module scope) and
 * then kept for the isolate's life.
 *
 * A small control API sits beside the two endpoints, so tests outside the
 * isolate can script it (`EMULATOR_CONTROL: "off"` turns it off):
 * - `POST /__emulator/faults` with a `FaultRule` as JSON body: inject (204).
 * - `DELETE /__emulator/faults`: clear faults (204).
 * - `GET /__emulator/requests`: the request log as JSON.
 * - `POST /__emulator/reset`: `emulator.reset()` (204).
 *
 * workerd gives no access to the socket, so `reset` is carried out as a 200
 * whose body stream fails; `hang` keeps the request open until the client goes
 * away.
 *
 * @example
 * ```ts
 * // wrangler.toml: main = "node_modules/@lyzr-effect/emulator/src/worker.ts"
 * // [vars] EMULATOR_CONFIG = '{"listShape":"live"}'
 * ```
 *
 * @since 0.1.0
 */
import * as Emulator from "./Emulator.ts"
import { droppedConnection } from "./internal/hosts.ts"

/**
 * The bindings this Worker reads.
 *
 * @example
 * ```ts
 * import worker, { type Env } from "@lyzr-effect/emulator/worker"
 *
 * // calling the Worker directly, e.g. from a test
 * const env: Env = { EMULATOR_CONFIG: JSON.stringify({ listShape: "live" }) }
 * const response = await worker.fetch(new Request("http://emulator/v1/agent/agt_customer_support/sessions"), env)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Env {
  readonly EMULATOR_CONFIG?: string | Emulator.Options
  readonly EMULATOR_CONTROL?: string
}

// Cached per isolate, created inside a request. Plain data: no promise or
// stream outlives the request that made it.
let current: { readonly config: string; readonly emulator: Emulator.Emulator } | undefined

const emulatorFor = (env: Env): Emulator.Emulator => {
  const raw = env.EMULATOR_CONFIG
  const config = raw === undefined ? "{}" : typeof raw === "string" ? raw : JSON.stringify(raw)
  if (current === undefined || current.config !== config) {
    const options = JSON.parse(config) as Emulator.Options
    current = { config, emulator: Emulator.make(options) }
  }
  return current.emulator
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const control = async (emulator: Emulator.Emulator, request: Request, path: string): Promise<Response> => {
  const json = (status: number, value: unknown) =>
    new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } })
  try {
    if (path === "/__emulator/faults" && request.method === "POST") {
      emulator.inject(await request.json() as Emulator.FaultRule)
      return new Response(null, { status: 204 })
    }
    if (path === "/__emulator/faults" && request.method === "DELETE") {
      emulator.clearFaults()
      return new Response(null, { status: 204 })
    }
    if (path === "/__emulator/requests" && request.method === "GET") return json(200, emulator.requests)
    if (path === "/__emulator/reset" && request.method === "POST") {
      emulator.reset()
      return new Response(null, { status: 204 })
    }
    return json(404, { detail: "Not Found" })
  } catch (error) {
    return json(400, { detail: error instanceof Error ? error.message : String(error) })
  }
}

/**
 * The Worker: `export { default } from "@lyzr-effect/emulator/worker"`.
 *
 * @example
 * ```ts
 * // worker.ts — the emulator as your Worker's entry module (wrangler.toml: main = "worker.ts")
 * export { default } from "@lyzr-effect/emulator/worker"
 * ```
 *
 * @since 0.1.0
 * @category handlers
 */
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const emulator = emulatorFor(env)
    const path = new URL(request.url).pathname
    if (path.startsWith("/__emulator/") && env.EMULATOR_CONTROL !== "off") return control(emulator, request, path)
    const outcome = emulator.dispatch(request)
    switch (outcome._tag) {
      case "Reset":
        return droppedConnection()
      case "Hang":
        // A pending timer keeps workerd from cancelling the request as hung;
        // the request ends when the client disconnects.
        while (!request.signal.aborted) await sleep(60_000)
        return droppedConnection()
      case "Respond":
        if (outcome.delayMs > 0) await sleep(outcome.delayMs)
        return outcome.response
    }
  }
}
