/**
 * A module Worker serving an emulator in workerd (Cloudflare Workers,
 * Miniflare, `wrangler dev`).
 *
 * Configuration comes from the `EMULATOR_CONFIG` binding: a JSON string (or a
 * JSON binding) `{ "listShape"?, "seed"?, "faults"?, "fixture"?, "control"?,
 * "requestLogSize"? }`, the
 * {@link Emulator.Options} of `Emulator.make`. The emulator is created on the
 * first request (Workers forbid I/O, timers and randomness at module scope) and
 * then kept for the isolate's life.
 *
 * The control API (`/__emulator/*`, see `Emulator.Options.control`) is off
 * unless asked for, so a Worker deployed with this entry point cannot be
 * scripted by anyone who finds its URL:
 * - `"control": true` or `"control": { "token": "..." }` in `EMULATOR_CONFIG`;
 * - or an `EMULATOR_CONTROL_TOKEN` binding (say, `wrangler secret put
 *   EMULATOR_CONTROL_TOKEN`): on, for requests whose `x-emulator-token` header
 *   holds that token. It wins over a `control` in `EMULATOR_CONFIG`.
 *
 * Its endpoints: `POST /__emulator/faults` with a `FaultRule` as JSON body
 * (inject, 204; 400 if invalid), `DELETE /__emulator/faults` (clear faults,
 * 204), `GET /__emulator/requests` (the request log as JSON), `POST
 * /__emulator/reset` (`emulator.reset()`, 204). Without the opt-in (or the
 * token), each is a 404 like any unknown route.
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
  /** The `Emulator.make` options, as a JSON string or a JSON binding. */
  readonly EMULATOR_CONFIG?: string | Emulator.Options
  /** Turns the control API on for requests whose `x-emulator-token` header holds this value. */
  readonly EMULATOR_CONTROL_TOKEN?: string
}

// Cached per isolate, created inside a request. Plain data: no promise or
// stream outlives the request that made it.
let current:
  | { readonly config: string; readonly token: string | undefined; readonly emulator: Emulator.Emulator }
  | undefined

const emulatorFor = (env: Env): Emulator.Emulator => {
  const raw = env.EMULATOR_CONFIG
  const config = raw === undefined ? "{}" : typeof raw === "string" ? raw : JSON.stringify(raw)
  // An empty binding counts as unset: the control API stays as EMULATOR_CONFIG says (off by default).
  const token = env.EMULATOR_CONTROL_TOKEN || undefined
  if (current === undefined || current.config !== config || current.token !== token) {
    const options = JSON.parse(config) as Emulator.Options
    current = {
      config,
      token,
      emulator: Emulator.make(token === undefined ? options : { ...options, control: { token } })
    }
  }
  return current.emulator
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

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
    const answered = emulator.control(request)
    if (answered !== undefined) return answered
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
