/**
 * A scenario's script played over real loopback sockets: a `node:http` server on 127.0.0.1 (port 0) that
 * answers each request with the next step (resets with a TCP RST, closes, hangs, stalls, streams in chunks
 * with backpressure), and a second server standing for "another origin" that only records. Node only; no
 * Effect.
 */
import * as Http from "node:http"
import type { Socket } from "node:net"
import { bodyBytes, type Context } from "./fixtures.ts"
import { decoy, exhausted, isFault, noBody, replyHeaders } from "./play.ts"
import type { Reply, Scenario } from "./Scenario.ts"
import type { ObservedRequest } from "./verify.ts"

interface Listening {
  readonly server: Http.Server
  readonly sockets: Set<Socket>
  readonly origin: string
}

const listen = (handler: Http.RequestListener): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const sockets = new Set<Socket>()
    const server = Http.createServer(handler)
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      resolve({ server, sockets, origin: `http://127.0.0.1:${port}` })
    })
  })

const close = ({ server, sockets }: Listening): Promise<void> =>
  new Promise((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  })

const headersOf = (request: Http.IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).map((
      [name, value]
    ) => [name, Array.isArray(value) ? value.join(", ") : value ?? ""])
  )

/** The scripted server and the other origin, both listening; `start` marks the call's start. */
export const serveScript = async (scenario: Scenario, key: string) => {
  const requests: Array<ObservedRequest> = []
  let started = Date.now()
  let next = 0
  let unfinished = 0
  const pending = new Set<NodeJS.Timeout>()
  const later = (millis: number, f: () => void) => {
    const timer = setTimeout(() => {
      pending.delete(timer)
      f()
    }, millis)
    pending.add(timer)
  }
  const record = (origin: "base" | "other", request: Http.IncomingMessage) =>
    requests.push({
      origin,
      method: request.method ?? "",
      path: request.url ?? "",
      headers: headersOf(request),
      at: Date.now() - started
    })

  let context: Omit<Context, "now"> = { key, base: "", other: "" }

  const send = (reply: Reply, response: Http.ServerResponse) => {
    const full = { ...context, now: Date.now() }
    const bytes = noBody(reply.status) ? new Uint8Array(0) : bodyBytes(reply.body, full)
    response.writeHead(reply.status, replyHeaders(reply, full, bytes.byteLength))
    const cut = reply.breakAfterBytes ?? reply.stallAfterBytes
    if (cut !== undefined) {
      response.write(bytes.subarray(0, cut), () => {
        if (reply.breakAfterBytes !== undefined) response.socket?.destroy()
      })
      return
    }
    if (reply.chunked === undefined) {
      response.end(bytes)
      return
    }
    // Chunks with backpressure: a client that stops reading stops the server too.
    unfinished++
    let done = false
    response.on("close", () => {
      if (done) unfinished--
    })
    let offset = 0
    const pump = () => {
      while (offset < bytes.byteLength) {
        const chunk = bytes.subarray(offset, offset + reply.chunked!)
        offset += chunk.byteLength
        if (!response.write(chunk)) {
          response.once("drain", pump)
          return
        }
      }
      response.end(() => {
        done = true
      })
    }
    pump()
  }

  const base = await listen((request, response) => {
    record("base", request)
    const step = scenario.script[next++] ?? exhausted
    if (isFault(step)) {
      if (step.fault === "reset") request.socket.resetAndDestroy()
      else if (step.fault === "close-before-headers") request.socket.destroy()
      return
    }
    if (step.delayMillis === undefined) send(step, response)
    else later(step.delayMillis, () => send(step, response))
  })
  const other = await listen((request, response) => {
    record("other", request)
    send(decoy, response)
  })
  context = { key, base: base.origin, other: other.origin }

  return {
    base: base.origin,
    other: other.origin,
    requests,
    /** Marks the call's start: request times count from here. */
    start: () => {
      started = Date.now()
    },
    /** Whether some chunked body was not written to its end (read after `close`). */
    bodyAbandoned: () => unfinished > 0,
    close: async () => {
      for (const timer of pending) clearTimeout(timer)
      await Promise.all([close(base), close(other)])
    }
  }
}
