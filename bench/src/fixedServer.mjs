// The benchmark's server: answers every GET on a raw TCP socket with a pre-rendered keep-alive
// response, so that its own cost is a small fraction of the client's and the client is what is measured.
// Plain JavaScript, run in a child process with bare `node` (no TypeScript loader needed).
// Protocol: the parent sends { bodies: { [pathPrefix]: string } } over IPC; the child answers { port }.
import * as Net from "node:net"

const render = (body) => {
  const bytes = Buffer.from(body, "utf8")
  const head = "HTTP/1.1 200 OK\r\n" +
    "content-type: application/json\r\n" +
    `content-length: ${bytes.byteLength}\r\n` +
    "x-request-id: req_bench\r\n" +
    "connection: keep-alive\r\n" +
    "keep-alive: timeout=60\r\n\r\n"
  return Buffer.concat([Buffer.from(head, "latin1"), bytes])
}

const notFound = render(JSON.stringify({ detail: "Not Found" })).toString("latin1").replace("200 OK", "404 Not Found")

process.once("message", ({ bodies }) => {
  const routes = Object.entries(bodies).map(([prefix, body]) => [prefix, render(body)])
  const answer = (requestLine) => {
    const path = requestLine.split(" ")[1] ?? ""
    for (const [prefix, response] of routes) if (path.startsWith(prefix)) return response
    return Buffer.from(notFound, "latin1")
  }
  const server = Net.createServer({ noDelay: true }, (socket) => {
    let pending = ""
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1")
      let end
      const out = []
      // GET requests carry no body: each one ends at the blank line.
      while ((end = pending.indexOf("\r\n\r\n")) !== -1) {
        out.push(answer(pending.slice(0, pending.indexOf("\r\n"))))
        pending = pending.slice(end + 4)
      }
      if (out.length === 1) socket.write(out[0])
      else if (out.length > 1) socket.write(Buffer.concat(out))
    })
    socket.on("error", () => {})
  })
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }))
  process.once("disconnect", () => process.exit(0))
})
