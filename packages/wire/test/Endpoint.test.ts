import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { Endpoint, type ErrorRecord } from "../src/index.ts"

const refusal = (result: string | ErrorRecord.ErrorRecord): ErrorRecord.ErrorRecord => {
  if (typeof result === "string") throw new Error(`expected a refusal, got ${result}`)
  return result
}

/** IDs of any shape: any code points (astral included), and ones made of URL syntax. */
const anyId = fc.oneof(
  fc.string({ unit: "binary", minLength: 1 }),
  fc.string({
    unit: fc.constantFrom("/", ".", "%", "?", "#", "\\", " ", "2", "e", "E", "f", ";", "@", ":"),
    minLength: 1
  })
).filter((id) => id !== "." && id !== "..")

describe("Endpoint.listPath", () => {
  it("sends any ID as one path segment that decodes back to it, on the list route", () => {
    fc.assert(
      fc.property(anyId, fc.constantFrom("https://api.example.com", "http://127.0.0.1:8080"), (id, base) => {
        const path = Endpoint.listPath(id)
        if (typeof path !== "string") throw new Error(path.message)
        const url = new URL(base + path)
        expect(url.origin).toBe(new URL(base).origin)
        expect(url.pathname.startsWith("/v1/agent/")).toBe(true)
        expect(url.pathname.endsWith("/sessions")).toBe(true)
        expect(url.search).toBe("")
        expect(url.hash).toBe("")
        const segment = url.pathname.slice("/v1/agent/".length, -"/sessions".length)
        expect(segment).not.toContain("/")
        expect(decodeURIComponent(segment)).toBe(id)
      }),
      { numRuns: 1000 }
    )
  })

  it("encodes the characters that would change the route", () => {
    expect(Endpoint.listPath("a/b")).toBe("/v1/agent/a%2Fb/sessions")
    expect(Endpoint.listPath("a?b#c")).toBe("/v1/agent/a%3Fb%23c/sessions")
    expect(Endpoint.listPath("%2e%2e")).toBe("/v1/agent/%252e%252e/sessions")
    expect(Endpoint.listPath("...")).toBe("/v1/agent/.../sessions")
  })

  it("refuses an empty ID, \".\" and \"..\", which URL parsers would resolve", () => {
    expect(refusal(Endpoint.listPath(""))).toEqual({ tag: "InvalidRequest", message: "agent_id must not be empty" })
    expect(refusal(Endpoint.listPath(".")).message).toBe("agent_id must not be \".\"")
    expect(refusal(Endpoint.listPath("..")).message).toBe("agent_id must not be \"..\"")
  })

  it("refuses an ID with a lone surrogate, which no URL can carry", () => {
    for (const id of ["\uD800", "a\uDC00b", "x\uD83D"]) {
      expect(refusal(Endpoint.listPath(id)).message).toBe(
        "agent_id is not well-formed Unicode (it has a lone surrogate)"
      )
    }
  })

  it("refuses what is not a string, naming its type", () => {
    expect(refusal(Endpoint.listPath(undefined)).message).toBe("agent_id must be a string, got undefined")
    expect(refusal(Endpoint.listPath(null)).message).toBe("agent_id must be a string, got null")
    expect(refusal(Endpoint.listPath(42)).message).toBe("agent_id must be a string, got number")
    expect(refusal(Endpoint.listPath({ toString: () => "a" })).message).toBe("agent_id must be a string, got object")
  })
})

describe("Endpoint.getPath", () => {
  const idBody = fc.string({
    unit: fc.constantFrom(..."abcXYZ0129_-".split("")),
    minLength: 1,
    maxLength: 30
  })

  it("builds the v2 path from IDs that match the documented patterns", () => {
    fc.assert(
      fc.property(idBody, idBody, (agent, session) => {
        expect(Endpoint.getPath(`agt_${agent}`, `ase_${session}`)).toBe(
          `/v2/agents/agt_${agent}/sessions/ase_${session}`
        )
      }),
      { numRuns: 200 }
    )
  })

  it("refuses an agent ID off the pattern, with the invalid_request code and the ID quoted", () => {
    for (const id of ["", "agt_", "agent_1", "AGT_1", "agt_a/b", "agt_1 ", "agt_é", "agt_1\n"]) {
      const record = refusal(Endpoint.getPath(id, "ase_1"))
      expect(record).toEqual({
        tag: "InvalidRequest",
        code: "invalid_request",
        message: `agent_id must match ^agt_[0-9a-zA-Z_-]+$, got ${JSON.stringify(id)}`
      })
    }
  })

  it("refuses a session ID off the pattern", () => {
    for (const id of ["", "ase_", "session_1", "ase_1/../x", "ase_.."]) {
      expect(refusal(Endpoint.getPath("agt_1", id)).message).toBe(
        `session_id must match ^ase_[0-9a-zA-Z_-]+$, got ${JSON.stringify(id)}`
      )
    }
  })

  it("refuses IDs that are not strings, naming the type", () => {
    expect(refusal(Endpoint.getPath(1, "ase_1")).message).toContain("got number")
    expect(refusal(Endpoint.getPath("agt_1", null)).message).toContain("got null")
  })

  it("quotes a long rejected ID shortened", () => {
    const message = refusal(Endpoint.getPath("x".repeat(1000), "ase_1")).message
    expect(message.length).toBeLessThan(150)
    expect(message).toContain("…")
  })

  it("refuses any string off the patterns", () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const result = Endpoint.getPath(id, "ase_1")
        expect(typeof result === "string").toBe(Endpoint.agentIdPattern.test(id))
      }),
      { numRuns: 300 }
    )
  })
})

describe("Endpoint.list and Endpoint.get", () => {
  it("describe the list call: span name, what it expects, what a 404 means, its path and attributes", () => {
    expect(Endpoint.list.spanName).toBe("AgentSessions.list")
    expect(Endpoint.list.expected).toBe("a list of sessions")
    expect(Endpoint.list.notFound).toBe("agent")
    expect(Endpoint.list.path(["a/b"])).toBe("/v1/agent/a%2Fb/sessions")
    expect(Endpoint.list.attributes(["a/b"])).toEqual({ "lyzr.agent_id": "a/b" })
    expect(refusal(Endpoint.list.path([""])).tag).toBe("InvalidRequest")
  })

  it("describe the get call the same way", () => {
    expect(Endpoint.get.spanName).toBe("AgentSessions.get")
    expect(Endpoint.get.expected).toBe("an AgentSession")
    expect(Endpoint.get.notFound).toBe("session")
    expect(Endpoint.get.path(["agt_1", "ase_2"])).toBe("/v2/agents/agt_1/sessions/ase_2")
    expect(Endpoint.get.attributes(["agt_1", "ase_2"])).toEqual({
      "lyzr.agent_id": "agt_1",
      "lyzr.session_id": "ase_2"
    })
    expect(refusal(Endpoint.get.path(["agt_1", "bad"])).code).toBe("invalid_request")
  })

  it("give string attributes even for arguments that are not strings (a caller bypassing the types)", () => {
    const attributes = Endpoint.get.attributes([1, null] as unknown as readonly [string, string])
    expect(attributes).toEqual({ "lyzr.agent_id": "1", "lyzr.session_id": "null" })
  })
})
