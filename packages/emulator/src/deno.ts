/**
 * Serves an emulator with `Deno.serve`, on an ephemeral loopback port by
 * default. Run with `--allow-net=127.0.0.1`.
 *
 * `Deno.serve` gives no access to the socket, so `reset` (either `when`) is
 * carried out as a 200 whose body stream fails: the client sees the connection
 * drop while reading the body. `hang` never answers until the client aborts or
 * `close` runs.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { serveDeno } from "@lyzr-effect/emulator/deno"
 *
 * const server = serveDeno(Emulator.make())
 * await fetch(`${server.url}/v1/agent/agt_customer_support/sessions`, {
 *   headers: { "x-api-key": Emulator.keys.full }
 * })
 * await server.close()
 * ```
 *
 * @since 0.1.0
 */
import type { Emulator, ServeOptions, Server } from "./Emulator.ts"
import { droppedConnection } from "./internal/hosts.ts"

export type {
  /**
   * Where the host listens: the model of `Emulator.ts`, re-exported here.
   *
   * @example
   * ```ts
   * import * as Emulator from "@lyzr-effect/emulator/Emulator"
   * import { type ServeOptions, serveDeno } from "@lyzr-effect/emulator/deno"
   *
   * const options: ServeOptions = { hostname: "127.0.0.1", port: 0 }
   * const server = serveDeno(Emulator.make(), options)
   * await server.close()
   * ```
   *
   * @since 0.1.0
   * @category models
   */
  ServeOptions,
  /**
   * The running host: the model of `Emulator.ts`, re-exported here.
   *
   * @example
   * ```ts
   * import * as Emulator from "@lyzr-effect/emulator/Emulator"
   * import { type Server, serveDeno } from "@lyzr-effect/emulator/deno"
   *
   * const server: Server = serveDeno(Emulator.make())
   * console.log(server.url) // http://127.0.0.1:<port>
   * await server.close()
   * ```
   *
   * @since 0.1.0
   * @category models
   */
  Server
} from "./Emulator.ts"

// The little of the Deno namespace used here, typed locally so this file
// type-checks under Node's tsc without Deno's types.
interface DenoServer {
  readonly addr: { readonly hostname: string; readonly port: number }
  readonly finished: Promise<void>
  shutdown(): Promise<void>
}
interface DenoNamespace {
  serve(
    options: {
      readonly hostname: string
      readonly port: number
      readonly onListen: (addr: { hostname: string; port: number }) => void
    },
    handler: (request: Request) => Response | Promise<Response>
  ): DenoServer
}

/**
 * Serves `emulator.dispatch` with `Deno.serve`, and the control API
 * (`/__emulator/*`) when the emulator was made with `control` (off by default).
 *
 * @example
 * ```ts
 * // deno run --allow-net=127.0.0.1 emulator.ts
 * import * as Emulator from "@lyzr-effect/emulator/Emulator"
 * import { serveDeno } from "@lyzr-effect/emulator/deno"
 *
 * const server = serveDeno(Emulator.make(), { port: 8787 })
 * console.log(`LYZR_BASE_URL=${server.url}`)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serveDeno = (emulator: Emulator, options: ServeOptions = {}): Server => {
  const deno = (globalThis as unknown as { readonly Deno?: DenoNamespace }).Deno
  if (deno === undefined) throw new Error("serveDeno needs the Deno runtime")
  const closing = new AbortController()

  // Waits `ms`, or forever when `until` is given, until that signal or the
  // server's close fires; leaves no timer or listener behind. Only `hang`
  // listens to `request.signal`: in Deno it also aborts after a successful
  // response, which a latency wait must not depend on.
  const wait = (ms: number | undefined, until?: AbortSignal): Promise<void> =>
    new Promise((resolve) => {
      if (until?.aborted || closing.signal.aborted) return resolve()
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms)
      const done = () => {
        clearTimeout(timer)
        until?.removeEventListener("abort", done)
        closing.signal.removeEventListener("abort", done)
        resolve()
      }
      until?.addEventListener("abort", done, { once: true })
      closing.signal.addEventListener("abort", done, { once: true })
    })

  const server = deno.serve(
    { hostname: options.hostname ?? "127.0.0.1", port: options.port ?? 0, onListen: () => {} },
    async (request) => {
      const answered = emulator.control(request)
      if (answered !== undefined) return answered
      const outcome = emulator.dispatch(request)
      switch (outcome._tag) {
        case "Reset":
          return droppedConnection()
        case "Hang":
          await wait(undefined, request.signal)
          return droppedConnection()
        case "Respond": {
          if (outcome.delayMs > 0) {
            await wait(outcome.delayMs)
            if (closing.signal.aborted) return droppedConnection()
          }
          return outcome.response
        }
      }
    }
  )
  const host = server.addr.hostname.includes(":") ? `[${server.addr.hostname}]` : server.addr.hostname
  let closed: Promise<void> | undefined
  return {
    url: `http://${host}:${server.addr.port}`,
    port: server.addr.port,
    close: () => {
      closed ??= (async () => {
        closing.abort()
        await server.shutdown()
      })()
      return closed
    }
  }
}
