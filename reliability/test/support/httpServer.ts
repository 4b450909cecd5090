/**
 * A loopback node:http server that records every request (method, raw request-target, headers) and
 * answers with the test's handler; closed with every socket destroyed.
 */
import * as Http from "node:http"
import type { Socket } from "node:net"

export interface Received {
  readonly method: string
  readonly target: string
  readonly headers: Http.IncomingHttpHeaders
}

export interface RecordingServer {
  readonly url: string
  readonly port: number
  readonly received: Array<Received>
  handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void
  readonly close: () => Promise<void>
}

export const recordingServer = (
  handler: RecordingServer["handler"] = (_req, res) => res.writeHead(404).end()
): Promise<RecordingServer> =>
  new Promise((resolve) => {
    const sockets = new Set<Socket>()
    const received: Array<Received> = []
    const server = Http.createServer((req, res) => {
      received.push({ method: req.method ?? "", target: req.url ?? "", headers: req.headers })
      state.handler(req, res)
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    const state: RecordingServer = {
      url: "",
      port: 0,
      received,
      handler,
      close: () =>
        new Promise<void>((done) => {
          server.close(() => done())
          for (const socket of sockets) socket.destroy()
        })
    }
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      Object.assign(state, { url: `http://127.0.0.1:${port}`, port })
      resolve(state)
    })
  })

export const sendJson = (
  res: Http.ServerResponse,
  status: number,
  body: unknown,
  headers: Http.OutgoingHttpHeaders = {}
) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  res.end(text)
}

export const redirect = (res: Http.ServerResponse, status: number, location: string) => {
  res.writeHead(status, { location, "content-length": "0" })
  res.end()
}
