import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { ErrorRecord, Redaction } from "../src/index.ts"

const url = "https://agent-prod.studio.lyzr.ai/v2/agents/agt_1/sessions/ase_1"
const json = { "content-type": "application/json" }

const respond = (
  status: number,
  body: string,
  options: {
    readonly headers?: Readonly<Record<string, string>>
    readonly notFound?: ErrorRecord.NotFound
    readonly retryAfter?: number
    readonly baseUrlName?: string
  } = {}
): ErrorRecord.ErrorRecord =>
  ErrorRecord.fromResponse(
    { status, headers: options.headers ?? json, body, url },
    {
      notFound: options.notFound ?? "session",
      retryAfter: options.retryAfter,
      ...(options.baseUrlName === undefined ? {} : { baseUrlName: options.baseUrlName })
    }
  )

/** A body shape: its text, content type, and what the record reads from it. */
interface Shape {
  readonly name: string
  readonly body: string
  readonly contentType: string | undefined
  readonly code: string | undefined
  readonly message: string | undefined
  readonly detail?: ErrorRecord.ErrorRecord["detail"]
}

const shapes: ReadonlyArray<Shape> = [
  {
    name: "FastAPI detail string",
    body: JSON.stringify({ detail: "Not authenticated" }),
    contentType: "application/json",
    code: undefined,
    message: "Not authenticated",
    detail: "Not authenticated"
  },
  {
    name: "FastAPI detail string that is a code",
    body: JSON.stringify({ detail: "rate_limit_exceeded" }),
    contentType: "application/json",
    code: "rate_limit_exceeded",
    message: "rate_limit_exceeded",
    detail: "rate_limit_exceeded"
  },
  {
    name: "FastAPI detail list",
    body: JSON.stringify({
      detail: [
        { loc: ["path", "agent_id"], msg: "field required", type: "missing" },
        { loc: ["query", 0], msg: { nested: true }, type: 7 },
        "not an issue"
      ]
    }),
    contentType: "application/json",
    code: undefined,
    message: "path.agent_id: field required; query.0: {\"nested\":true}",
    detail: [
      { loc: ["path", "agent_id"], msg: "field required", type: "missing" },
      { loc: ["query", 0], msg: "{\"nested\":true}", type: "unknown" }
    ]
  },
  {
    name: "FastAPI detail object",
    body: JSON.stringify({ detail: { code: "forbidden", message: "no access to agent" } }),
    contentType: "application/json",
    code: "forbidden",
    message: "no access to agent"
  },
  {
    name: "{error:{code,message}}",
    body: JSON.stringify({ error: { code: "unauthorized", message: "invalid API key" } }),
    contentType: "application/json",
    code: "unauthorized",
    message: "invalid API key"
  },
  {
    name: "{error:{type,message}}",
    body: JSON.stringify({ error: { type: "invalid_request", message: "bad id" } }),
    contentType: "application/json",
    code: "invalid_request",
    message: "bad id"
  },
  {
    name: "{error:\"code\"}",
    body: JSON.stringify({ error: "session_not_found" }),
    contentType: "application/json",
    code: "session_not_found",
    message: "session_not_found"
  },
  {
    name: "{error:\"text\",message}",
    body: JSON.stringify({ error: "Bad Request", message: "agent id is malformed", code: "invalid_request" }),
    contentType: "application/json",
    code: "invalid_request",
    message: "agent id is malformed"
  },
  {
    name: "{code,message}",
    body: JSON.stringify({ code: "agent_not_found", message: "no agent agt_1" }),
    contentType: "application/json",
    code: "agent_not_found",
    message: "no agent agt_1"
  },
  {
    name: "HTML page",
    body: "<html><body><h1>502 Bad Gateway</h1></body></html>",
    contentType: "text/html",
    code: undefined,
    message: undefined
  },
  { name: "empty body", body: "", contentType: undefined, code: undefined, message: undefined },
  {
    name: "plain text",
    body: "  upstream connect error  ",
    contentType: "text/plain; charset=utf-8",
    code: undefined,
    message: "upstream connect error"
  },
  {
    name: "JSON that is not an object",
    body: "[1,2]",
    contentType: "application/json",
    code: undefined,
    message: undefined
  }
]

const statuses = [400, 401, 403, 404, 405, 408, 409, 410, 418, 422, 429, 500, 501, 502, 503, 504, 520, 599, 304]

/** The tag a status gives when the body names no documented code. */
const tagByStatus = (status: number, notFound: ErrorRecord.NotFound): ErrorRecord.Tag => {
  switch (status) {
    case 400:
      return "InvalidRequest"
    case 401:
      return "Unauthorized"
    case 403:
      return "Forbidden"
    case 404:
      return notFound === "session" ? "SessionNotFound" : "AgentNotFound"
    case 422:
      return "ValidationError"
    case 429:
      return "RateLimitExceeded"
  }
  return status >= 500 && status < 600 ? "ServerError" : "UnexpectedResponse"
}

/** The tag a documented code gives, for a 4xx. */
const tagByCode: Readonly<Record<string, (notFound: ErrorRecord.NotFound) => ErrorRecord.Tag>> = {
  invalid_request: () => "InvalidRequest",
  unauthorized: () => "Unauthorized",
  forbidden: () => "Forbidden",
  agent_not_found: () => "AgentNotFound",
  session_not_found: (notFound) => notFound === "session" ? "SessionNotFound" : "AgentNotFound",
  rate_limit_exceeded: () => "RateLimitExceeded"
}

describe("ErrorRecord.fromResponse", () => {
  for (const shape of shapes) {
    for (const status of statuses) {
      for (const notFound of ["agent", "session"] as const) {
        it(`${status} with a ${shape.name} (${notFound}) has the expected tag, code, message and detail`, () => {
          const headers: Record<string, string> = shape.contentType === undefined
            ? {}
            : { "content-type": shape.contentType }
          const record = respond(status, shape.body, { headers, notFound })
          const byCode = status >= 400 && status < 500 && shape.code !== undefined
            ? tagByCode[shape.code]?.(notFound)
            : undefined
          expect(record.tag).toBe(byCode ?? tagByStatus(status, notFound))
          expect(record.status).toBe(status)
          expect(record.code).toBe(shape.code)
          expect(record.url).toBe(url)
          const message = shape.message ?? `HTTP ${status}`
          if (status === 404 && shape.code === undefined) expect(record.message.startsWith(`${message} (`)).toBe(true)
          else expect(record.message).toBe(message)
          if (record.tag === "ValidationError") expect(record.detail).toEqual(shape.detail)
          else expect("detail" in record).toBe(false)
          if (shape.body === "") expect("excerpt" in record).toBe(false)
          else expect(record.excerpt).toBe(shape.body)
        })
      }
    }
  }

  it("takes the tag from the status, not the code, for a 5xx", () => {
    for (const code of Object.keys(tagByCode)) {
      expect(respond(503, JSON.stringify({ error: { code, message: "m" } })).tag).toBe("ServerError")
    }
  })

  it("takes the tag from a documented code for any 4xx, whatever the status says", () => {
    expect(respond(400, JSON.stringify({ code: "forbidden", message: "m" })).tag).toBe("Forbidden")
    expect(respond(418, JSON.stringify({ error: "rate_limit_exceeded" })).tag).toBe("RateLimitExceeded")
    expect(respond(404, JSON.stringify({ detail: "unauthorized" })).tag).toBe("Unauthorized")
  })

  it("ignores an undocumented code when picking the tag, but keeps it in the record", () => {
    const record = respond(400, JSON.stringify({ error: { code: "quota_weird", message: "m" } }))
    expect(record.tag).toBe("InvalidRequest")
    expect(record.code).toBe("quota_weird")
  })

  it("hints at a wrong base path on a 404 without a code, naming the setting as the user wrote it", () => {
    for (const baseUrlName of ["baseUrl", "LYZR_BASE_URL", "--base-url"]) {
      const record = respond(404, "<html>Not Found</html>", { headers: { "content-type": "text/html" }, baseUrlName })
      expect(record.message).toBe(
        `HTTP 404 (no documented error code in the body; if this session exists, check that ${baseUrlName} ` +
          "is the API's root: /v2/agents/agt_1/sessions/ase_1 was not found)"
      )
    }
    expect(respond(404, JSON.stringify({ detail: "Not Found" }), { notFound: "agent" }).message).toContain(
      "if this agent exists, check that baseUrl is the API's root"
    )
  })

  it("gives no hint on a 404 whose body names a code, documented or not", () => {
    for (const code of ["session_not_found", "agent_not_found", "not_found"]) {
      const record = respond(404, JSON.stringify({ error: { code, message: "missing" } }))
      expect(record.message).toBe("missing")
    }
  })

  it("keeps retryAfter on RateLimitExceeded, ServerError and UnexpectedResponse only", () => {
    expect(respond(429, "", { retryAfter: 1500 }).retryAfter).toBe(1500)
    expect(respond(400, JSON.stringify({ error: "rate_limit_exceeded" }), { retryAfter: 10 }).retryAfter).toBe(10)
    expect(respond(503, "", { retryAfter: 2000 }).retryAfter).toBe(2000)
    expect(respond(408, "", { retryAfter: 3 }).retryAfter).toBe(3)
    expect("retryAfter" in respond(401, "", { retryAfter: 1000 })).toBe(false)
    expect("retryAfter" in respond(404, "", { retryAfter: 1000 })).toBe(false)
    expect("retryAfter" in respond(422, "", { retryAfter: 1000 })).toBe(false)
    expect("retryAfter" in respond(503, "")).toBe(false)
  })

  it("leaves absent fields absent, not undefined", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...statuses),
        fc.constantFrom(...shapes),
        fc.option(fc.nat(), { nil: undefined }),
        (status, shape, retryAfter) => {
          const record = respond(status, shape.body, {
            headers: shape.contentType === undefined ? {} : { "content-type": shape.contentType },
            ...(retryAfter === undefined ? {} : { retryAfter })
          })
          for (const name of Object.keys(record)) {
            expect(record[name as keyof ErrorRecord.ErrorRecord], name).not.toBe(undefined)
          }
        }
      ),
      { numRuns: 300 }
    )
  })

  it("bounds the message and the excerpt to 1 KiB, with an ellipsis when cut", () => {
    const text = fc.string({ maxLength: 3000, unit: "grapheme-ascii" })
    const body = fc.oneof(
      text.map((message) => JSON.stringify({ detail: message })),
      text.map((message) => JSON.stringify({ error: { code: "forbidden", message } })),
      text.map((message) => JSON.stringify({ detail: [{ loc: ["body"], msg: message, type: "value_error" }] })),
      text
    )
    fc.assert(
      fc.property(fc.constantFrom(...statuses), body, (status, text) => {
        const record = respond(status, text, { headers: { "content-type": "text/plain" } })
        for (const field of [record.message, record.excerpt]) {
          if (field === undefined) continue
          expect(field.length).toBeLessThanOrEqual(ErrorRecord.excerptLength + 1)
          if (field.length > ErrorRecord.excerptLength) expect(field.endsWith("…")).toBe(true)
        }
        if (text.length > ErrorRecord.excerptLength) expect(record.excerpt).toBe(`${text.slice(0, 1024)}…`)
      }),
      { numRuns: 300 }
    )
  })

  it("keeps a long 404 message with its hint within the bound", () => {
    const record = respond(404, JSON.stringify({ detail: "x".repeat(5000) }))
    expect(record.message.length).toBe(ErrorRecord.excerptLength + 1)
  })

  it("reads the request id from x-request-id, then request-id, then cf-ray", () => {
    const all = { "x-request-id": "req_x", "request-id": "req_plain", "cf-ray": "ray_1" }
    expect(respond(500, "", { headers: all }).requestId).toBe("req_x")
    expect(respond(500, "", { headers: { "request-id": "req_plain", "cf-ray": "ray_1" } }).requestId).toBe(
      "req_plain"
    )
    expect(respond(500, "", { headers: { "cf-ray": "ray_1" } }).requestId).toBe("ray_1")
    expect("requestId" in respond(500, "", { headers: {} })).toBe(false)
  })

  it("takes short plain text as the message only from text/plain or an untyped body without markup", () => {
    expect(respond(500, "oops", { headers: {} }).message).toBe("oops")
    expect(respond(500, "oops", { headers: { "content-type": "text/html" } }).message).toBe("HTTP 500")
    expect(respond(500, "<b>oops</b>", { headers: {} }).message).toBe("HTTP 500")
    expect(respond(500, "y".repeat(201), { headers: { "content-type": "text/plain" } }).message).toBe("HTTP 500")
  })

  it("keeps plain text whose echoed key was already replaced by the placeholder (its \"<\" is not markup)", () => {
    const text = `key ${Redaction.placeholder} is throttled`
    expect(respond(503, text, { headers: { "content-type": "text/plain" } }).message).toBe(text)
    expect(respond(503, `<b>${Redaction.placeholder}</b>`, { headers: {} }).message).toBe("HTTP 503")
  })
})

describe("ErrorRecord.parseErrorBody", () => {
  it("never throws, whatever the body", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.jsonValue().map((value) => JSON.stringify(value) ?? "")),
        fc.option(fc.constantFrom("application/json", "text/plain", "text/html"), { nil: undefined }),
        (body, contentType) => {
          const parsed = ErrorRecord.parseErrorBody(body, contentType)
          expect(parsed.code === undefined || typeof parsed.code === "string").toBe(true)
          expect(parsed.message === undefined || typeof parsed.message === "string").toBe(true)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("reads a code only from a lower-case identifier when it comes from free text", () => {
    expect(ErrorRecord.parseErrorBody(JSON.stringify({ detail: "Not Found" }), undefined).code).toBe(undefined)
    expect(ErrorRecord.parseErrorBody(JSON.stringify({ error: "Something Broke" }), undefined).code).toBe(undefined)
    expect(ErrorRecord.parseErrorBody(JSON.stringify({ error: "forbidden" }), undefined).code).toBe("forbidden")
  })
})

describe("ErrorRecord.decodeFailure", () => {
  it("is a ResponseDecodeError naming the status and the problem, with the excerpt and request id", () => {
    const record = ErrorRecord.decodeFailure(
      { status: 200, headers: { "x-request-id": "req_9" }, body: "<html>", url },
      "is not JSON (Unexpected token '<')"
    )
    expect(record).toEqual({
      tag: "ResponseDecodeError",
      message: "the 200 response body is not JSON (Unexpected token '<')",
      status: 200,
      requestId: "req_9",
      excerpt: "<html>",
      url
    })
  })

  it("leaves out the excerpt and request id when there are none", () => {
    const record = ErrorRecord.decodeFailure({ status: 200, headers: {}, body: "", url }, "is empty")
    expect(Object.keys(record).sort()).toEqual(["message", "status", "tag", "url"])
  })

  it("bounds its message", () => {
    const record = ErrorRecord.decodeFailure({ status: 200, headers: {}, body: "", url }, "x".repeat(5000))
    expect(record.message.length).toBe(ErrorRecord.excerptLength + 1)
  })
})

describe("ErrorRecord.tooLarge", () => {
  it("names the declared size and the cap", () => {
    expect(ErrorRecord.tooLarge({ status: 200, headers: {}, url }, 1024, 4096)).toEqual({
      tag: "UnexpectedResponse",
      message: "the response body declares 4096 bytes, over the 1024-byte cap (maxResponseBytes)",
      status: 200,
      url
    })
  })

  it("says reading stopped when no size was declared, keeping the request id", () => {
    const record = ErrorRecord.tooLarge({ status: 200, headers: { "cf-ray": "r1" }, url }, 10, undefined)
    expect(record.message).toBe("the response body passed the 10-byte cap (maxResponseBytes); reading stopped")
    expect(record.requestId).toBe("r1")
  })
})

describe("ErrorRecord.timedOut", () => {
  it("is a RequestTimeout naming the path, host:port, the duration and the setting", () => {
    expect(ErrorRecord.timedOut(new URL("https://x.test/v1/agent/a/sessions?q=1"), 30_000, "LYZR_TIMEOUT")).toEqual({
      tag: "RequestTimeout",
      message: "GET /v1/agent/a/sessions to x.test:443 took longer than 30 s (the per-attempt LYZR_TIMEOUT)",
      url: "https://x.test/v1/agent/a/sessions?q=1",
      timeout: 30_000
    })
  })

  it("names the timeout option when no name is given, and milliseconds under a second", () => {
    expect(ErrorRecord.timedOut(new URL("http://127.0.0.1:8080/x"), 250).message).toBe(
      "GET /x to 127.0.0.1:8080 took longer than 250 ms (the per-attempt timeout)"
    )
  })
})

describe("ErrorRecord.invalidRequest", () => {
  it("is an InvalidRequest with the message, and the code only when given", () => {
    expect(ErrorRecord.invalidRequest("agent_id must not be empty")).toEqual({
      tag: "InvalidRequest",
      message: "agent_id must not be empty"
    })
    expect(Object.keys(ErrorRecord.invalidRequest("m"))).toEqual(["tag", "message"])
    expect(ErrorRecord.invalidRequest("m", "invalid_request").code).toBe("invalid_request")
  })

  it("bounds its message", () => {
    expect(ErrorRecord.invalidRequest("m".repeat(2000)).message.length).toBe(ErrorRecord.excerptLength + 1)
  })
})

describe("ErrorRecord helpers", () => {
  it("lists the twelve tags once each", () => {
    expect(ErrorRecord.tags.length).toBe(12)
    expect(new Set(ErrorRecord.tags).size).toBe(12)
  })

  it("fills in the scheme's default port in host:port", () => {
    expect(ErrorRecord.hostPort(new URL("https://x.test/"))).toBe("x.test:443")
    expect(ErrorRecord.hostPort(new URL("http://x.test/"))).toBe("x.test:80")
    expect(ErrorRecord.hostPort(new URL("http://[::1]:9/"))).toBe("[::1]:9")
  })

  it("formats durations in ms under a second, in s from a second", () => {
    expect(ErrorRecord.formatMillis(250)).toBe("250 ms")
    expect(ErrorRecord.formatMillis(0.5)).toBe("0.5 ms")
    expect(ErrorRecord.formatMillis(1000)).toBe("1 s")
    expect(ErrorRecord.formatMillis(1500)).toBe("1.5 s")
    expect(ErrorRecord.formatMillis(30_000)).toBe("30 s")
  })

  it("excerpts nothing from an empty body and at most 1 KiB from any other", () => {
    expect(ErrorRecord.excerpt("")).toBe(undefined)
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 3000 }), (text) => {
        const cut = ErrorRecord.excerpt(text)!
        expect(cut.length).toBe(Math.min(text.length, ErrorRecord.excerptLength + 1))
        expect(text.startsWith(cut.length > ErrorRecord.excerptLength ? cut.slice(0, -1) : cut)).toBe(true)
      }),
      { numRuns: 100 }
    )
  })
})
