/**
 * A scriptable loopback server (node:http) for the adapter's socket-level tests: each request is answered
 * by the handler; requests and open sockets are recorded. Closed, every socket destroyed, with the scope.
 */
import { Effect } from "effect"
import * as Http from "node:http"
import type { Socket } from "node:net"

export interface Received {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  /** The client's port: one per connection, so equal ports mean a reused connection. */
  readonly remotePort: number | undefined
}

export type Handler = (req: Http.IncomingMessage, res: Http.ServerResponse, index: number) => void

export interface TestServer {
  readonly url: string
  readonly received: Array<Received>
  /** Sockets currently open on the server side. */
  readonly sockets: Set<Socket>
}

export const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.callback<TestServer & { readonly server: Http.Server }>((resume) => {
      const received: Array<Received> = []
      const sockets = new Set<Socket>()
      const server = Http.createServer((req, res) => {
        received.push({
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          remotePort: req.socket.remotePort
        })
        handler(req, res, received.length)
      })
      server.on("connection", (socket) => {
        sockets.add(socket)
        socket.on("close", () => sockets.delete(socket))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number }
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, received, sockets, server }))
      })
    }),
    ({ server, sockets }) =>
      Effect.callback<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
  )

export const sendJson = (
  res: Http.ServerResponse,
  status: number,
  body: unknown,
  headers: Http.OutgoingHttpHeaders = {}
) => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-request-id": "req_test_1",
    ...headers
  })
  res.end(text)
}

export const testKey = "sk-node-test-0123456789abcdef"

export const seedSession = {
  id: "ase_customer_support_001",
  agent_id: "agt_customer_support",
  description: "Customer support session for billing inquiry",
  metadata: { customer_id: "customer_12345", priority: "high", interaction_count: 8 },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}

/** Resolves once `predicate` holds, polling the event loop (real time: these tests use real sockets). */
export const eventually = (predicate: () => boolean, timeoutMs = 2000) =>
  Effect.callback<boolean>((resume) => {
    const started = Date.now()
    const poll = () => {
      if (predicate()) return resume(Effect.succeed(true))
      if (Date.now() - started > timeoutMs) return resume(Effect.succeed(false))
      setTimeout(poll, 5)
    }
    poll()
  })
