import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Schema } from "effect"
import { AgentSession, SessionIds } from "../src/index.ts"
import * as fast from "../src/internal/fastDecode.ts"
import { seedSession } from "./support.ts"

const schemaSession = Schema.decodeUnknownEither(AgentSession)
const schemaIds = Schema.decodeUnknownEither(SessionIds)
const encodeSession = Schema.encodeSync(AgentSession)

const wireSession = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer()),
    agent_id: fc.string(),
    description: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
    metadata: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(null), fc.jsonValue()),
    enabled: fc.oneof(fc.boolean(), fc.constant("true")),
    created_at: fc.oneof(
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom("2024-01-15T10:30:00", "2024-01-15", "not a date", "2024-13-45T99:00:00Z"),
      fc.integer()
    ),
    extra: fc.jsonValue()
  },
  { requiredKeys: [] }
)

// Round-tripped through JSON, as the fast paths only ever see what JSON.parse returns.
const asParsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null")

const idItem = fc.oneof(
  fc.string(),
  fc.record({ session_id: fc.oneof(fc.string(), fc.integer()), session_name: fc.string() }, { requiredKeys: [] }),
  fc.jsonValue()
)
const wireList = fc.oneof(
  fc.array(idItem),
  fc.record({ sessions: fc.oneof(fc.array(idItem), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.jsonValue()
)

describe("fast decoding paths", () => {
  it("a session the fast path accepts decodes to what the schema decodes", () => {
    fc.assert(
      fc.property(wireSession.map(asParsed), (json) => {
        const quick = fast.session(json)
        const slow = schemaSession(json)
        if (quick === undefined) return
        expect(Either.isRight(slow)).toBe(true)
        if (Either.isRight(slow)) {
          expect(quick).toBeInstanceOf(AgentSession)
          expect(encodeSession(quick)).toEqual(encodeSession(slow.right))
          expect(Object.keys(quick).sort()).toEqual(Object.keys(slow.right).sort())
        }
      }),
      { numRuns: 500 }
    )
  })

  it("a session the schema accepts is taken by the fast path", () => {
    fc.assert(
      fc.property(wireSession.map(asParsed), (json) => {
        if (Either.isRight(schemaSession(json))) expect(fast.session(json)).toBeDefined()
      }),
      { numRuns: 500 }
    )
  })

  it("a session whose metadata JSON.parse made infinite (1e400) is left to the schema, which rejects it", () => {
    const json = JSON.parse(
      "{\"id\":\"ase_a\",\"agent_id\":\"agt_a\",\"metadata\":{\"deep\":[{\"x\":1e400}]},\"enabled\":true," +
        "\"created_at\":\"2024-01-15T10:30:00Z\"}"
    )
    expect(fast.session(json)).toBeUndefined()
    expect(Either.isLeft(schemaSession(json))).toBe(true)
  })

  it("the schema refuses every created_at the fast path refuses: RFC 3339 with an offset only", () => {
    const refused = [
      "2024-01-15",
      "2024-01-15T10:30:00",
      "2024-01-15 10:30:00Z",
      "2024-02-30T10:30:00Z",
      "1",
      "yesterday"
    ]
    for (const created_at of refused) {
      const json = { id: "ase_a", agent_id: "agt_a", enabled: true, created_at }
      expect(fast.session(json), created_at).toBeUndefined()
      expect(Either.isLeft(schemaSession(json)), created_at).toBe(true)
    }
    const accepted = schemaSession({
      id: "ase_a",
      agent_id: "agt_a",
      enabled: true,
      created_at: "2024-01-15t12:30:00.5+02:00"
    })
    expect(Either.map(accepted, (session) => encodeSession(session).created_at)).toEqual(
      Either.right("2024-01-15T10:30:00.500Z")
    )
  })

  it("the seed's example session takes the fast path", () => {
    const quick = fast.session(asParsed(seedSession))
    expect(quick?.id).toBe(seedSession.id)
    expect(quick?.metadata).toEqual(seedSession.metadata)
  })

  it("a list the fast path accepts, in either shape, decodes to the schema's IDs", () => {
    fc.assert(
      fc.property(wireList.map(asParsed), (json) => {
        const quick = fast.sessionIds(json)
        const slow = schemaIds(json)
        if (quick === undefined) {
          expect(Either.isLeft(slow)).toBe(true)
          return
        }
        expect(slow).toEqual(Either.right(quick))
      }),
      { numRuns: 500 }
    )
  })
})
