import { FastCheck as fc } from "effect"
import * as net from "node:net"
import { afterEach, describe, expect, it, vi } from "vitest"
import { Redaction, Transport } from "../src/index.ts"

const withCode = (message: string, fields: Record<string, unknown>, name?: string): Error => {
  const error = Object.assign(new Error(message), fields)
  if (name !== undefined) error.name = name
  return error
}
/** What Node's fetch (undici) throws: a TypeError whose cause is the system error. */
const fetchFailed = (cause: unknown): TypeError => new TypeError("fetch failed", { cause })

class NotCapable extends Error {
  override name = "NotCapable"
}
class PermissionDenied extends Error {
  override name = "PermissionDenied"
}

const url = new URL("http://127.0.0.1:47899/v1/agent/a/sessions")

describe("Transport.classify, on the chains each runtime throws", () => {
  const cases: ReadonlyArray<[string, unknown, Transport.Kind, string | undefined]> = [
    [
      "undici ECONNREFUSED",
      fetchFailed(withCode("connect ECONNREFUSED 127.0.0.1:47899", {
        errno: -111,
        code: "ECONNREFUSED",
        syscall: "connect",
        address: "127.0.0.1",
        port: 47899
      })),
      "refused",
      "ECONNREFUSED"
    ],
    [
      "undici ENOTFOUND",
      fetchFailed(withCode("getaddrinfo ENOTFOUND api.example.invalid", {
        errno: -3008,
        code: "ENOTFOUND",
        syscall: "getaddrinfo",
        hostname: "api.example.invalid"
      })),
      "dns",
      "ENOTFOUND"
    ],
    [
      "undici EAI_AGAIN",
      fetchFailed(withCode("getaddrinfo EAI_AGAIN x.test", { code: "EAI_AGAIN" })),
      "dns",
      "EAI_AGAIN"
    ],
    ["undici ECONNRESET", fetchFailed(withCode("read ECONNRESET", { code: "ECONNRESET" })), "reset", "ECONNRESET"],
    ["undici EPIPE", fetchFailed(withCode("write EPIPE", { code: "EPIPE" })), "reset", "EPIPE"],
    [
      "undici UND_ERR_SOCKET",
      fetchFailed(withCode("other side closed", { code: "UND_ERR_SOCKET" }, "SocketError")),
      "closed",
      "UND_ERR_SOCKET"
    ],
    [
      "undici body terminated",
      new TypeError("terminated", { cause: withCode("other side closed", { code: "UND_ERR_SOCKET" }, "SocketError") }),
      "closed",
      "UND_ERR_SOCKET"
    ],
    [
      "undici connect timeout",
      fetchFailed(withCode("Connect Timeout Error", { code: "UND_ERR_CONNECT_TIMEOUT" }, "ConnectTimeoutError")),
      "connect-timeout",
      "UND_ERR_CONNECT_TIMEOUT"
    ],
    [
      "ENETUNREACH",
      fetchFailed(withCode("connect ENETUNREACH", { code: "ENETUNREACH" })),
      "unreachable",
      "ENETUNREACH"
    ],
    [
      "CERT_HAS_EXPIRED",
      fetchFailed(withCode("certificate has expired", { code: "CERT_HAS_EXPIRED" })),
      "tls",
      "CERT_HAS_EXPIRED"
    ],
    [
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      fetchFailed(withCode("self-signed certificate", { code: "DEPTH_ZERO_SELF_SIGNED_CERT" })),
      "tls",
      "DEPTH_ZERO_SELF_SIGNED_CERT"
    ],
    [
      "ERR_TLS_CERT_ALTNAME_INVALID",
      fetchFailed(
        withCode("Hostname/IP does not match certificate's altnames: Host: x.test. is not in the cert's altnames", {
          code: "ERR_TLS_CERT_ALTNAME_INVALID",
          host: "x.test"
        })
      ),
      "tls",
      "ERR_TLS_CERT_ALTNAME_INVALID"
    ],
    [
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      fetchFailed(withCode("unable to verify the first certificate", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })),
      "tls",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE"
    ],
    [
      "AggregateError with a code (Node's happy eyeballs)",
      fetchFailed(Object.assign(
        new AggregateError([
          withCode("connect ECONNREFUSED ::1:47899", { code: "ECONNREFUSED" }),
          withCode("connect ECONNREFUSED 127.0.0.1:47899", { code: "ECONNREFUSED" })
        ]),
        { code: "ECONNREFUSED" }
      )),
      "refused",
      "ECONNREFUSED"
    ],
    [
      "AggregateError without a code",
      fetchFailed(new AggregateError([withCode("connect ETIMEDOUT 10.0.0.1:443", { code: "ETIMEDOUT" })])),
      "connect-timeout",
      "ETIMEDOUT"
    ],
    [
      "Deno connection refused",
      new TypeError(
        "error sending request for url (http://127.0.0.1:47899/v1/agent/a/sessions): client error (Connect): " +
          "tcp connect error: Connection refused (os error 111)"
      ),
      "refused",
      undefined
    ],
    [
      "Deno dns error",
      new TypeError(
        "error sending request for url (https://api.example.invalid/v1/agent/a/sessions): client error (Connect): " +
          "dns error: failed to lookup address information: Name or service not known"
      ),
      "dns",
      undefined
    ],
    [
      "Deno invalid certificate",
      new TypeError(
        "error sending request for url (https://x.test/): client error (Connect): invalid peer certificate: UnknownIssuer"
      ),
      "tls",
      undefined
    ],
    [
      "Deno connection reset",
      new TypeError(
        "error sending request for url (https://x.test/): client error (SendRequest): connection error: " +
          "Connection reset by peer (os error 104)"
      ),
      "reset",
      undefined
    ],
    [
      "Deno connection closed",
      new TypeError(
        "error sending request for url (https://x.test/): client error (SendRequest): " +
          "connection closed before message completed"
      ),
      "closed",
      undefined
    ],
    [
      "Deno NotCapable",
      new NotCapable("Requires net access to \"127.0.0.1:47899\", run again with the --allow-net flag"),
      "permission",
      "NotCapable"
    ],
    ["Deno 1 PermissionDenied", new PermissionDenied("Requires net access"), "permission", "PermissionDenied"],
    [
      "NotCapable as a cause",
      new TypeError("fetch failed", { cause: new NotCapable("Requires net access") }),
      "permission",
      "NotCapable"
    ],
    ["workerd connection lost", new Error("Network connection lost."), "closed", undefined],
    ["an unknown error", new Error("boom"), "other", undefined],
    [
      "an unknown code",
      fetchFailed(withCode("parse error", { code: "HPE_INVALID_CONSTANT" })),
      "other",
      "HPE_INVALID_CONSTANT"
    ]
  ]

  for (const [name, error, kind, code] of cases) {
    it(`reads ${name} as ${kind}${code === undefined ? "" : ` (${code})`}`, () => {
      const failure = Transport.classify(error)
      expect(failure.kind).toBe(kind)
      expect(failure.code).toBe(code)
    })
  }

  it("writes the chain as one line, outermost first", () => {
    const failure = Transport.classify(
      fetchFailed(withCode("connect ECONNREFUSED 127.0.0.1:1", { code: "ECONNREFUSED" }))
    )
    expect(failure.text).toBe("TypeError: fetch failed <- Error: connect ECONNREFUSED 127.0.0.1:1")
  })

  it("reads a host name that looks like a word of another kind by its error, not its name", () => {
    const reset = new TypeError(
      "error sending request for url (https://ssl.example.com/v1/agent/a/sessions): client error (SendRequest): " +
        "connection error: Connection reset by peer (os error 104)"
    )
    expect(Transport.classify(reset).kind).toBe("reset")
    const closed = new TypeError(
      "error sending request for url (https://certificate-refused.example.com/): client error (SendRequest): " +
        "connection closed before message completed"
    )
    expect(Transport.classify(closed).kind).toBe("closed")
  })

  it("reads values that are not errors without throwing", () => {
    expect(Transport.classify("socket hang up").text).toBe("socket hang up")
    expect(Transport.classify(undefined)).toEqual({ kind: "other", code: undefined, text: "" })
    expect(Transport.classify(null).kind).toBe("other")
    expect(Transport.classify({ message: "connection refused", code: 7 }).kind).toBe("refused")
  })

  it("stops on a cause cycle and on a long chain", () => {
    const a: Error & { cause?: unknown } = new Error("a")
    const b = new Error("b", { cause: a })
    a.cause = b
    expect(Transport.classify(a).text).toBe("Error: a <- Error: b")
    let deep: unknown = withCode("connect ECONNREFUSED", { code: "ECONNREFUSED" })
    for (let i = 0; i < 20; i++) deep = new Error(`layer ${i}`, { cause: deep })
    expect(Transport.classify(deep).text.split(" <- ").length).toBe(8)
  })

  it("never throws, whatever is thrown", () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        const failure = Transport.classify(thrown)
        expect(typeof failure.text).toBe("string")
        expect(typeof failure.kind).toBe("string")
      }),
      { numRuns: 200 }
    )
  })
})

describe("Transport.failed", () => {
  const refused = fetchFailed(withCode("connect ECONNREFUSED 127.0.0.1:47899", { code: "ECONNREFUSED" }))

  it("scrubs the cause with `scrub` before cutting it to 1 KiB, so a key across the cut leaves no part behind", () => {
    const keyText = "sk-live-0123456789abcdef"
    const redactor = Redaction.make(keyText)
    for (let n = 960; n <= 1010; n++) {
      const error = new TypeError(`fetch failed: ${"x".repeat(n)}${keyText}`)
      const scrubbed = Transport.failed(url, error, { phase: "request", scrub: redactor.scrub })
      expect(scrubbed.cause).not.toContain(keyText.slice(0, 8))
    }
    // Without it, the cut splits the key: the reason for the option.
    const cut = Transport.failed(url, new TypeError(`fetch failed: ${"x".repeat(990)}${keyText}`), { phase: "request" })
    expect(redactor.record(cut).cause).toContain(keyText.slice(0, 8))
  })

  it("names the path, host:port, the code and the advice, naming the setting as the user wrote it", () => {
    expect(Transport.failed(url, refused, { phase: "request" })).toEqual({
      tag: "TransportError",
      message:
        "GET /v1/agent/a/sessions failed: the connection to 127.0.0.1:47899 was refused (ECONNREFUSED); is the server running, and is baseUrl right?",
      url: url.href,
      cause: "TypeError: fetch failed <- Error: connect ECONNREFUSED 127.0.0.1:47899"
    })
    expect(Transport.failed(url, refused, { phase: "request", baseUrlName: "LYZR_BASE_URL" }).message).toContain(
      "is LYZR_BASE_URL right?"
    )
  })

  it("fills in the scheme's default port", () => {
    const dns = fetchFailed(withCode("getaddrinfo ENOTFOUND api.example.invalid", { code: "ENOTFOUND" }))
    expect(
      Transport.failed(new URL("https://api.example.invalid/v1"), dns, { phase: "request", baseUrlName: "--base-url" })
        .message
    )
      .toBe(
        "GET /v1 failed: the host of api.example.invalid:443 could not be resolved (DNS) (ENOTFOUND); check the host name in --base-url"
      )
  })

  it("gives each kind its own phrase", () => {
    const phrases: ReadonlyArray<[Transport.Kind, string]> = [
      ["refused", "was refused"],
      ["dns", "could not be resolved (DNS)"],
      [
        "tls",
        "the TLS handshake with 127.0.0.1:47899 failed; check that baseUrl names a host with a valid certificate"
      ],
      ["reset", "the connection to 127.0.0.1:47899 was reset"],
      ["closed", "127.0.0.1:47899 closed the connection before sending the response headers"],
      ["connect-timeout", "connecting to 127.0.0.1:47899 timed out"],
      ["unreachable", "127.0.0.1:47899 is unreachable from this network"],
      [
        "permission",
        "the runtime has no permission to connect to 127.0.0.1:47899; under Deno, run with --allow-net=127.0.0.1:47899"
      ],
      ["invalid-request", "the request to 127.0.0.1:47899 could not be built"],
      ["other", "the request to 127.0.0.1:47899 failed"]
    ]
    for (const [kind, phrase] of phrases) {
      expect(Transport.failed(url, new Error("x"), { phase: "request", kind }).message, kind).toContain(phrase)
    }
  })

  it("says the body broke when the failure came while reading it", () => {
    const closed = new TypeError("terminated", { cause: withCode("other side closed", { code: "UND_ERR_SOCKET" }) })
    expect(Transport.failed(url, closed, { phase: "body" }).message).toBe(
      "GET /v1/agent/a/sessions failed: the connection to 127.0.0.1:47899 broke while reading the response body (UND_ERR_SOCKET)"
    )
  })

  it("marks a missing permission and a request that cannot be built as not transient, and nothing else", () => {
    const permission = Transport.failed(url, new NotCapable("Requires net access"), { phase: "request" })
    expect(permission.transient).toBe(false)
    expect(permission.message).toContain("(NotCapable)")
    expect(Transport.failed(url, new Error("bad header"), { phase: "request", kind: "invalid-request" }).transient)
      .toBe(false)
    for (
      const kind of ["refused", "dns", "tls", "reset", "closed", "connect-timeout", "unreachable", "other"] as const
    ) {
      expect("transient" in Transport.failed(url, new Error("x"), { phase: "request", kind }), kind).toBe(false)
    }
  })

  it("bounds the cause text to 1 KiB, with an ellipsis", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4000 }), (message) => {
        const record = Transport.failed(url, new Error(message), { phase: "request" })
        const text = `Error: ${message}`
        expect(record.cause).toBe(text.length > 1024 ? `${text.slice(0, 1024)}…` : text)
      }),
      { numRuns: 100 }
    )
  })
})

describe("Transport.classify, on errors thrown by Node's fetch over real sockets", () => {
  const servers: Array<net.Server> = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
  })

  /** A loopback server that handles each connection with `onData` once the request arrives. */
  const serve = async (onData: (socket: net.Socket) => void): Promise<number> => {
    const server = net.createServer((socket) => socket.once("data", () => onData(socket)))
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    return (server.address() as net.AddressInfo).port
  }

  const thrownBy = async (promise: Promise<unknown>): Promise<unknown> => {
    try {
      await promise
    } catch (error) {
      return error
    }
    throw new Error("expected the call to fail")
  }

  it("reads a connection to a closed loopback port as refused, with the code and host:port", async () => {
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as net.AddressInfo).port
    await new Promise((resolve) => server.close(resolve))
    const target = new URL(`http://127.0.0.1:${port}/v1/agent/a/sessions`)
    const error = await thrownBy(fetch(target))
    expect(Transport.classify(error)).toMatchObject({ kind: "refused", code: "ECONNREFUSED" })
    expect(Transport.failed(target, error, { phase: "request" }).message).toContain(
      `the connection to 127.0.0.1:${port} was refused (ECONNREFUSED)`
    )
  })

  it("reads a host under .invalid as a DNS failure (skipped if the resolver does not answer within 5 s)", async (context) => {
    const error = await thrownBy(fetch("http://lyzr-wire-test.invalid/", { signal: AbortSignal.timeout(5000) }))
    if (error instanceof Error && error.name === "TimeoutError") context.skip()
    expect(Transport.classify(error).kind).toBe("dns")
  })

  it("reads a server closing the connection before the headers as closed", async () => {
    const port = await serve((socket) => socket.destroy())
    const error = await thrownBy(fetch(`http://127.0.0.1:${port}/`))
    expect(Transport.classify(error)).toMatchObject({ kind: "closed", code: "UND_ERR_SOCKET" })
  })

  it("reads a server resetting the connection as reset", async () => {
    const port = await serve((socket) => socket.resetAndDestroy())
    const error = await thrownBy(fetch(`http://127.0.0.1:${port}/`))
    expect(Transport.classify(error)).toMatchObject({ kind: "reset", code: "ECONNRESET" })
  })

  it("reads a body cut short as closed, and failed() says the body broke", async () => {
    const port = await serve((socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc"))
    const target = new URL(`http://127.0.0.1:${port}/v1/agent/a/sessions`)
    const response = await fetch(target)
    const error = await thrownBy(response.text())
    expect(Transport.classify(error).kind).toBe("closed")
    expect(Transport.failed(target, error, { phase: "body" }).message).toContain(
      `the connection to 127.0.0.1:${port} broke while reading the response body`
    )
  })
})

describe("Transport.classify on values that refuse to become text", () => {
  it("reads an object whose toString is not a function without throwing", () => {
    expect(Transport.classify({ toString: false }).kind).toBe("other")
  })
})

describe("Transport.readCapped", () => {
  const bytes = (n: number) => new Uint8Array(n).fill(120)
  async function* chunks(count: number, size: number, pulled: { n: number }) {
    for (let i = 0; i < count; i++) {
      pulled.n++
      yield bytes(size)
    }
  }

  it("reads a body under the cap to its text", async () => {
    const read = await Transport.readCapped(chunks(3, 4, { n: 0 }), 12, new AbortController().signal)
    expect(read).toEqual({ _tag: "Text", text: "x".repeat(12) })
  })

  it("stops at the cap, pulling no further than the chunk that passed it", async () => {
    const pulled = { n: 0 }
    const read = await Transport.readCapped(chunks(1_000_000, 256, pulled), 4096, new AbortController().signal)
    expect(read._tag).toBe("TooLarge")
    expect(pulled.n).toBe(17)
  })
})

describe("Transport.Deadline", () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it("an attempt ended without success fires its abort once: listeners, aborted, an AbortError reason", () => {
    const deadline = new Transport.Deadline(30_000)
    let fired = 0
    deadline.once("abort", () => fired++)
    deadline.end(false)
    deadline.end(false)
    expect(fired).toBe(1)
    expect(deadline.aborted).toBe(true)
    expect((deadline.reason as DOMException).name).toBe("AbortError")
  })

  it("an attempt that succeeded fires nothing, and its timer is cleared", () => {
    vi.useFakeTimers()
    const deadline = new Transport.Deadline(1_000)
    let fired = 0
    deadline.on("abort", () => fired++)
    deadline.end(true)
    vi.advanceTimersByTime(5_000)
    expect(fired).toBe(0)
    expect(deadline.aborted).toBe(false)
  })

  it("the deadline aborts with a TimeoutError, and the signal read afterwards is aborted with it", () => {
    vi.useFakeTimers()
    const deadline = new Transport.Deadline(1_000)
    vi.advanceTimersByTime(999)
    expect(deadline.aborted).toBe(false)
    vi.advanceTimersByTime(1)
    expect(deadline.aborted).toBe(true)
    expect(deadline.signal.aborted).toBe(true)
    expect((deadline.signal.reason as DOMException).name).toBe("TimeoutError")
  })

  it("a signal read before the abort aborts with it; a removed listener is not called", () => {
    const deadline = new Transport.Deadline(30_000)
    const signal = deadline.signal
    let removed = 0
    const listener = () => removed++
    deadline.addListener("abort", listener)
    deadline.removeListener("abort", listener)
    deadline.end(false)
    expect(signal.aborted).toBe(true)
    expect(removed).toBe(0)
  })
})

describe("Transport.AttemptLimits", () => {
  it("is its own abort, and carries the body cap and the RequestInit it was given", () => {
    const init: RequestInit = { redirect: "manual" }
    const limits = new Transport.AttemptLimits(30_000, 1024, init)
    let fired = 0
    limits.abort.once("abort", () => fired++)
    limits.end(false)
    expect(limits.abort).toBe(limits)
    expect([limits.maxResponseBytes, limits.requestInit]).toEqual([1024, init])
    expect(fired).toBe(1)
  })
})

describe("Transport.Target", () => {
  it("an origin and a path, joined, parse back to that origin and path (so the split a client sends is the URL's)", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (text) => {
        const url = new URL(text)
        const target = new Transport.Target(url.origin, url.pathname + url.search)
        expect([target.url.origin, target.url.pathname + target.url.search]).toEqual([target.origin, target.path])
        expect(target.href).toBe(target.url.href)
      })
    )
  })

  it("parses its URL only when read, once", () => {
    const target = new Transport.Target("http://127.0.0.1:8080", "/v1/agent/agt_1/sessions")
    expect(target.url).toBe(target.url)
    expect(target.url.port).toBe("8080")
  })

  it("from a parsed URL keeps that URL and drops the fragment, which is never sent", () => {
    const url = new URL("http://127.0.0.1:8080/v1/agent/agt_1/sessions?page=2#top")
    const target = Transport.Target.fromUrl(url)
    expect([target.origin, target.path, target.href]).toEqual([
      "http://127.0.0.1:8080",
      "/v1/agent/agt_1/sessions?page=2",
      "http://127.0.0.1:8080/v1/agent/agt_1/sessions?page=2"
    ])
    expect(target.url).toBe(url)
  })
})
