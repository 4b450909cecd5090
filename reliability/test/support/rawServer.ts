/**
 * A loopback TCP server that answers each HTTP request with the exact bytes the test sets: any status
 * line (1xx included), any header bytes, any framing (content-length, chunked, close-delimited, cut
 * short). node:http would normalise or refuse much of that; the property tests need the wire as a
 * hostile or broken server would write it.
 */
import * as Net from "node:net"

export interface RawResponse {
  /** The bytes written after the request's head arrives. */
  readonly bytes: Uint8Array
  /** End the connection after writing (close-delimited bodies, cut bodies, anything not reusable). */
  readonly close: boolean
}

export interface RawServer {
  readonly url: string
  /** Request heads received, oldest first. */
  readonly requests: Array<string>
  /** What the next requests are answered with. */
  respond: (head: string) => RawResponse
  readonly close: () => Promise<void>
}

export const rawServer = (): Promise<RawServer> =>
  new Promise((resolve) => {
    const sockets = new Set<Net.Socket>()
    const requests: Array<string> = []
    const state: RawServer = {
      url: "",
      requests,
      respond: () => ({
        bytes: new TextEncoder().encode("HTTP/1.1 500 Unset\r\ncontent-length: 0\r\n\r\n"),
        close: true
      }),
      close: () =>
        new Promise<void>((done) => {
          server.close(() => done())
          for (const socket of sockets) socket.destroy()
        })
    }
    const server = Net.createServer((socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => {})
      let buffered = ""
      socket.on("data", (chunk) => {
        buffered += chunk.toString("latin1")
        for (let end = buffered.indexOf("\r\n\r\n"); end >= 0; end = buffered.indexOf("\r\n\r\n")) {
          const head = buffered.slice(0, end)
          buffered = buffered.slice(end + 4)
          requests.push(head)
          const response = state.respond(head)
          if (response.close) {
            socket.end(response.bytes)
            return
          }
          socket.write(response.bytes)
        }
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      ;(state as { url: string }).url = `http://127.0.0.1:${port}`
      resolve(state)
    })
  })

const encoder = new TextEncoder()

/** Joins a status line, raw header lines and a body into bytes (header text is written as latin1). */
export const httpResponse = (
  statusLine: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array
): Uint8Array => {
  const head = `${statusLine}\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`
  const headBytes = Uint8Array.from(head, (c) => c.charCodeAt(0) & 0xff)
  const out = new Uint8Array(headBytes.length + body.length)
  out.set(headBytes)
  out.set(body, headBytes.length)
  return out
}

/** A body in chunked transfer coding, optionally without its final zero-length chunk. */
export const chunked = (body: Uint8Array, chunkSize: number, terminated = true): Uint8Array => {
  const parts: Array<Uint8Array> = []
  for (let i = 0; i < body.length; i += chunkSize) {
    const piece = body.subarray(i, i + chunkSize)
    parts.push(encoder.encode(`${piece.length.toString(16)}\r\n`), piece, encoder.encode("\r\n"))
  }
  if (terminated) parts.push(encoder.encode("0\r\n\r\n"))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export const utf8 = (text: string): Uint8Array => encoder.encode(text)
