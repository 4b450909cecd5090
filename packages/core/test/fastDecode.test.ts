import { describe, expect, it } from "@effect/vitest"
import { DateTime, Either, FastCheck as fc, Schema } from "effect"
import { AgentSession, Rfc3339DateTime, SessionIds } from "../src/index.ts"
import * as fast from "../src/internal/fastDecode.ts"
import { seedSession } from "./support.ts"

const schemaSession = Schema.decodeUnknownEither(AgentSession)
const schemaIds = Schema.decodeUnknownEither(SessionIds)
const encodeSession = Schema.encodeSync(AgentSession)

// Round-tripped through JSON, as the fast paths only ever see what JSON.parse returns.
const asParsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null")

/** Counts how many runs of a property reached its main assertion. */
const share = () => {
  let runs = 0
  let reached = 0
  return {
    run: () => void runs++,
    reach: () => void reached++,
    get value() {
      return runs === 0 ? 0 : reached / runs
    }
  }
}

// --- RFC 3339 timestamps --------------------------------------------------------------------------

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, "0")

/** A valid RFC 3339 date-time of years 0000–9999, with the instant it names (to the millisecond). */
const timestamp = fc.record({
  // 0000-01-02 .. 9999-12-30, so that any offset keeps the local date within four-digit years.
  millis: fc.integer({ min: -62_167_132_800_000, max: 253_402_128_000_000 }),
  offset: fc.oneof(fc.constantFrom("Z", "z"), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
  separator: fc.constantFrom("T", "t"),
  extraDigits: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 9 }))
}).map(({ extraDigits, millis, offset, separator }) => {
  const minutes = typeof offset === "string" ? 0 : offset
  const local = new Date(millis + minutes * 60_000).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  // No fraction (whole seconds only), or the milliseconds and 0-9 more digits, which are truncated away.
  const fraction = extraDigits < 0 ? "" : `.${local.slice(20, 23)}${"7".repeat(extraDigits)}`
  const zone = typeof offset === "string"
    ? offset
    : `${offset < 0 ? "-" : "+"}${pad(Math.trunc(offset / 60), 2)}:${pad(offset % 60, 2)}`
  const text = `${local.slice(0, 10)}${separator}${local.slice(11, 19)}${fraction}${zone}`
  return { text, millis: extraDigits < 0 ? millis - (((millis % 1000) + 1000) % 1000) : millis }
})

/** One edit that takes a valid timestamp off the format, or (sometimes) leaves it valid. */
const nearTimestamp = fc.oneof(
  { weight: 2, arbitrary: timestamp.map(({ text }) => text) },
  {
    weight: 3,
    arbitrary: fc.tuple(timestamp, fc.nat(), fc.constantFrom(..."0123456789:-+.TtZz _/".split(""))).map(
      ([{ text }, at, char]) => {
        const i = at % text.length
        return `${text.slice(0, i)}${char}${text.slice(i + 1)}`
      }
    )
  },
  {
    weight: 2,
    arbitrary: fc.tuple(timestamp, fc.nat()).map(([{ text }, at]) => {
      const i = at % text.length
      return `${text.slice(0, i)}${text.slice(i + 1)}`
    })
  },
  {
    weight: 2,
    arbitrary: fc.tuple(timestamp, fc.nat(40)).map(([{ text }, cut]) => text.slice(0, Math.max(0, text.length - cut)))
  },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 61 }),
      fc.constantFrom("Z", "+24:00", "-00:60", "+05:30", "", "+0530", "GMT")
    ).map(([y, mo, d, h, mi, s, zone]) =>
      `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${zone}`
    )
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("1", "0", "2024", "2024-01-15", "2024-01-15T10:30:00", "10:30:00Z", "", "now")
  }
)

describe("created_at follows RFC 3339 (Rfc3339DateTime)", () => {
  const decode = Schema.decodeUnknownEither(Rfc3339DateTime)
  const millisOf = (text: string) => {
    const decoded = decode(text)
    return Either.isRight(decoded) ? DateTime.toEpochMillis(decoded.right) : undefined
  }

  it("refuses \"1\", which Effect's Schema.DateTimeUtc reads as 2001-01-01", () => {
    expect(Either.isRight(Schema.decodeUnknownEither(Schema.DateTimeUtc)("1"))).toBe(true) // the old reading
    expect(millisOf("1")).toBeUndefined()
  })

  it("refuses a date without a time, and a time without an offset", () => {
    expect(millisOf("2024-01-15")).toBeUndefined()
    expect(millisOf("2024-01-15T10:30:00")).toBeUndefined()
    expect(millisOf("2024-01-15T10:30:00.123")).toBeUndefined()
  })

  it("accepts a lowercase t and z, and a numeric offset", () => {
    const at = Date.UTC(2024, 0, 15, 10, 30)
    expect(millisOf("2024-01-15t10:30:00z")).toBe(at)
    expect(millisOf("2024-01-15T12:30:00+02:00")).toBe(at)
    expect(millisOf("2024-01-15T05:00:00-05:30")).toBe(at)
  })

  it("reads any valid timestamp (years 0000-9999, any offset, any fraction) as the instant it names", () => {
    fc.assert(
      fc.property(timestamp, ({ millis, text }) => {
        expect(millisOf(text)).toBe(millis)
      }),
      { numRuns: 500 }
    )
  })

  it("encodes to ISO 8601 in UTC with a Z", () => {
    const decoded = Schema.decodeUnknownSync(Rfc3339DateTime)("2024-01-15t12:30:00.5+02:00")
    expect(Schema.encodeSync(Rfc3339DateTime)(decoded)).toBe("2024-01-15T10:30:00.500Z")
  })

  it("get()'s schema and fast path agree on strings near the format (each side taken 20-80 % of the time)", () => {
    const accepted = share()
    fc.assert(
      fc.property(nearTimestamp, (created_at) => {
        accepted.run()
        const json = { id: "ase_1", agent_id: "agt_1", enabled: true, created_at }
        const quick = fast.session(json)
        const slow = schemaSession(json)
        expect(quick !== undefined, created_at).toBe(Either.isRight(slow))
        if (quick === undefined || Either.isLeft(slow)) return
        accepted.reach()
        expect(DateTime.toEpochMillis(quick.created_at)).toBe(DateTime.toEpochMillis(slow.right.created_at))
      }),
      { numRuns: 2000 }
    )
    // Both outcomes drawn often: otherwise agreement would be checked on one side only.
    expect(accepted.value).toBeGreaterThan(0.2)
    expect(accepted.value).toBeLessThan(0.8)
  })
})

// --- sessions --------------------------------------------------------------------------------------

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })

/** A session body as the API sends it: every required field of the right type, optional ones present or not. */
const validSession: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    id: fc.string({ maxLength: 20 }),
    agent_id: fc.string({ maxLength: 20 }),
    description: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)),
    metadata: fc.oneof({ weight: 4, arbitrary: jsonObject }, { weight: 1, arbitrary: fc.constant(null) }),
    enabled: fc.boolean(),
    created_at: timestamp.map(({ text }) => text),
    extra: fc.jsonValue({ maxDepth: 2 })
  },
  { requiredKeys: ["id", "agent_id", "enabled", "created_at"] }
)

/** One defect of the kind servers send: a field missing or of the wrong type, a bad timestamp. */
type Defect = (session: Record<string, unknown>) => Record<string, unknown>
const sessionDefect: fc.Arbitrary<Defect> = fc.oneof(
  fc.constantFrom("id", "agent_id", "enabled", "created_at").map((name): Defect => (s) => {
    const { [name]: _, ...rest } = s
    return rest
  }),
  fc.tuple(
    fc.constantFrom("id", "agent_id", "description", "metadata", "enabled", "created_at"),
    fc.oneof(fc.integer(), fc.constant("true"), fc.array(fc.string(), { maxLength: 2 }), fc.boolean())
  ).map(([name, value]): Defect => (s) => ({ ...s, [name]: value })),
  nearTimestamp.map((created_at): Defect => (s) => ({ ...s, created_at })),
  fc.jsonValue().map((metadata): Defect => (s) => ({ ...s, metadata }))
)

/** Three in four sessions valid, the rest with one defect. */
const wireSession = fc.oneof(
  { weight: 3, arbitrary: validSession },
  { weight: 1, arbitrary: fc.tuple(validSession, sessionDefect).map(([s, defect]) => defect(s)) }
).map(asParsed)

const idItem = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.record({ session_id: fc.string({ maxLength: 12 }), session_name: fc.string({ maxLength: 8 }) }, {
    requiredKeys: ["session_id"]
  })
)
const validList = fc.oneof(
  fc.array(idItem, { maxLength: 8 }),
  fc.array(idItem, { maxLength: 8 }).map((sessions) => ({ sessions }))
)
/** Three in four lists valid (in either shape), the rest with a bad item or of another shape. */
const wireList = fc.oneof(
  { weight: 3, arbitrary: validList },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.tuple(validList, fc.oneof(fc.integer(), fc.constant(null), fc.record({ session_id: fc.integer() }))).map((
        [list, bad]
      ) => Array.isArray(list) ? [...list, bad] : { sessions: [bad, ...list.sessions] }),
      fc.jsonValue()
    )
  }
).map(asParsed)

describe("fast decoding paths", () => {
  it("a session the fast path accepts decodes to what the schema decodes (asserted on > 60 % of the runs)", () => {
    const compared = share()
    fc.assert(
      fc.property(wireSession, (json) => {
        compared.run()
        const quick = fast.session(json)
        const slow = schemaSession(json)
        if (quick === undefined) return
        compared.reach()
        expect(Either.isRight(slow)).toBe(true)
        if (Either.isRight(slow)) {
          expect(quick).toBeInstanceOf(AgentSession)
          expect(encodeSession(quick)).toEqual(encodeSession(slow.right))
          // The same own fields in the same order (the fast path builds the instance without the constructor),
          // so the two print alike.
          expect(Object.keys(quick)).toEqual(Object.keys(slow.right))
          expect(String(quick)).toBe(String(slow.right))
        }
      }),
      { numRuns: 500 }
    )
    expect(compared.value).toBeGreaterThan(0.6)
  })

  it("a session the schema accepts is taken by the fast path (asserted on > 60 % of the runs)", () => {
    const compared = share()
    fc.assert(
      fc.property(wireSession, (json) => {
        compared.run()
        if (Either.isLeft(schemaSession(json))) return
        compared.reach()
        expect(fast.session(json)).toBeDefined()
      }),
      { numRuns: 500 }
    )
    expect(compared.value).toBeGreaterThan(0.6)
  })

  it("a session with one defect (most refused, some still valid) is accepted by both paths or by neither", () => {
    fc.assert(
      fc.property(fc.tuple(validSession, sessionDefect).map(([s, defect]) => asParsed(defect(s))), (json) => {
        expect(fast.session(json) === undefined).toBe(Either.isLeft(schemaSession(json)))
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

  it("a list the fast path accepts, in either shape, decodes to the schema's IDs (compared on > 60 % of the runs)", () => {
    const compared = share()
    fc.assert(
      fc.property(wireList, (json) => {
        compared.run()
        const quick = fast.sessionIds(json)
        const slow = schemaIds(json)
        if (quick === undefined) {
          expect(Either.isLeft(slow)).toBe(true)
          return
        }
        compared.reach()
        expect(slow).toEqual(Either.right(quick))
      }),
      { numRuns: 500 }
    )
    expect(compared.value).toBeGreaterThan(0.6)
  })
})
