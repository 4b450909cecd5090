/**
 * Serves an emulator over real sockets with `node:http`, on an ephemeral
 * loopback port by default. Carries out the socket-level faults: `reset`
 * destroys the socket, `hang` never answers.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { serveNode } from "@lyzr-effect/emulator/node"
 *
 * const server = await serveNode(Emulator.make())
 * await fetch(`${server.url}/v1/agent/agt_customer_support/sessions`, {
 *   headers: { "x-api-key": Emulator.keys.full }
 * })
 * await server.close()
 * ```
 *
 * @since 0.1.0
 */
import { setMaxListeners } from "node:events"
import * as Http from "node:http"
import type { Socket } from "node:net"
import type { Emulator, ServeOptions, Server } from "./Emulator.ts"

export type {
  /**
   * Where the host listens: the model of `Emulator.ts`, re-exported here.
   *
   * @example
   * ```ts
   * import { Emulator } from "@lyzr-effect/emulator"
   * import { type ServeOptions, serveNode } from "@lyzr-effect/emulator/node"
   *
   * const options: ServeOptions = { hostname: "127.0.0.1", port: 0 }
   * const server = await serveNode(Emulator.make(), options)
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
   * import { Emulator } from "@lyzr-effect/emulator"
   * import { type Server, serveNode } from "@lyzr-effect/emulator/node"
   *
   * const server: Server = await serveNode(Emulator.make())
   * console.log(server.url) // http://127.0.0.1:<port>
   * await server.close()
   * ```
   *
   * @since 0.1.0
   * @category models
   */
  Server
} from "./Emulator.ts"

// The request body, read only if someone reads it (the control API's `POST /__emulator/faults`). A
// body nobody reads is discarded by node:http once the response ends.
const lazyBody = (req: Http.IncomingMessage): ReadableStream<Uint8Array> => {
  let chunks: AsyncIterator<Buffer> | undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      chunks ??= req[Symbol.asyncIterator]()
      const { done, value } = await chunks.next()
      if (done) controller.close()
      else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    },
    async cancel() {
      await chunks?.return?.()
    }
  }, { highWaterMark: 0 })
}

const toRequest = (req: Http.IncomingMessage, origin: string, signal: AbortSignal): Request => {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
  }
  const method = req.method ?? "GET"
  // The service answers without reading a body (any method but GET is 405); only the control API reads one.
  const body = method === "GET" || method === "HEAD" ? {} : { body: lazyBody(req), duplex: "half" }
  return new Request(new URL(req.url ?? "/", origin), { method, headers, signal, ...body } as RequestInit)
}

const methodNotAllowed = (res: Http.ServerResponse) => {
  const body = JSON.stringify({ detail: "Method Not Allowed" })
  res.writeHead(405, { "content-type": "application/json", "content-length": Buffer.byteLength(body), allow: "GET" })
  res.end(body)
}

const send = async (response: Response, res: Http.ServerResponse, signal: AbortSignal): Promise<void> => {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  res.writeHead(response.status, headers)
  if (response.body === null) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  try {
    for (;;) {
      if (signal.aborted) {
        await reader.cancel()
        return
      }
      const { done, value } = await reader.read()
      if (done) break
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off("drain", done)
            res.off("close", done)
            resolve()
          }
          res.on("drain", done)
          res.on("close", done)
        })
      }
    }
    res.end()
  } catch {
    // The body stream failed (the `reset` mid-body fault): let what was written
    // reach the client, then drop the connection so it sees a failure rather
    // than a clean end.
    const socket = res.socket
    if (socket === null) return
    if (!res.headersSent) res.flushHeaders()
    socket.write(new Uint8Array(0), () => socket.destroy())
  }
}

/**
 * Serves `emulator.dispatch` over HTTP/1.1 with `node:http`, and the control API
 * (`/__emulator/*`) when the emulator was made with `control` (off by default).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { serveNode } from "@lyzr-effect/emulator/node"
 *
 * const emu = Emulator.make({ listShape: "live" })
 * const server = await serveNode(emu) // 127.0.0.1 on a free port
 * console.log(`LYZR_BASE_URL=${server.url} LYZR_API_KEY=${Emulator.keys.full}`)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const serveNode = (emulator: Emulator, options: ServeOptions = {}): Promise<Server> => {
  const hostname = options.hostname ?? "127.0.0.1"
  const closing = new AbortController()
  // One listener per in-flight request (removed when its response closes): bounded by concurrency,
  // not a leak, so Node's default warning at 10 listeners does not apply.
  setMaxListeners(0, closing.signal)
  const sockets = new Set<Socket>()
  const origin = () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`
  }

  const server = Http.createServer((req, res) => {
    const aborted = new AbortController()
    const abort = () => aborted.abort()
    res.on("close", abort)
    closing.signal.addEventListener("abort", abort, { once: true })
    res.on("close", () => closing.signal.removeEventListener("abort", abort))

    let request: Request
    try {
      request = toRequest(req, origin(), aborted.signal)
    } catch {
      // Methods a web Request refuses (CONNECT, TRACE, TRACK).
      return methodNotAllowed(res)
    }
    const answered = emulator.control(request)
    if (answered !== undefined) {
      void answered.then((response) => send(response, res, aborted.signal), () => res.destroy())
      return
    }
    const outcome = emulator.dispatch(request)
    switch (outcome._tag) {
      case "Reset":
        req.socket.destroy()
        return
      case "Hang":
        // Never answer; the socket goes when the client gives up or `close` runs.
        return
      case "Respond": {
        const go = () => void send(outcome.response, res, aborted.signal)
        if (outcome.delayMs <= 0) return go()
        const timer = setTimeout(go, outcome.delayMs)
        aborted.signal.addEventListener("abort", () => clearTimeout(timer), { once: true })
        return
      }
    }
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, hostname, () => {
      server.off("error", reject)
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      let closed: Promise<void> | undefined
      resolve({
        url: origin(),
        port,
        close: () => {
          closed ??= new Promise<void>((done) => {
            closing.abort()
            server.close(() => done())
            for (const socket of sockets) socket.destroy()
          })
          return closed
        }
      })
    })
  })
}
