import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { Decode } from "../src/index.ts"

// An independent calendar: days since 1970-01-01 by Howard Hinnant's days_from_civil, in integers.
const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
const monthLength = (year: number, month: number): number =>
  [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

interface Stamp {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** Fraction digits, without the dot; "" for none. */
  readonly fraction: string
  /** Offset in minutes east of UTC, or "Z"/"z". */
  readonly offset: number | "Z" | "z"
  readonly separator: "T" | "t"
}

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, "0")

const format = (s: Stamp): string => {
  const offset = typeof s.offset === "string"
    ? s.offset
    : `${s.offset < 0 ? "-" : "+"}${pad(Math.trunc(s.offset / 60), 2)}:${pad(s.offset % 60, 2)}`
  return `${pad(s.year, 4)}-${pad(s.month, 2)}-${pad(s.day, 2)}${s.separator}${pad(s.hour, 2)}:${pad(s.minute, 2)}:${
    pad(s.second, 2)
  }${s.fraction === "" ? "" : `.${s.fraction}`}${offset}`
}

/** The instant, computed without `Date`: fractions truncated to the millisecond. */
const instant = (s: Stamp): number => {
  const days = daysFromCivil(s.year, s.month, s.day)
  const seconds = ((days * 24 + s.hour) * 60 + s.minute) * 60 + s.second
  const millis = Number(s.fraction.padEnd(3, "0").slice(0, 3))
  const offset = typeof s.offset === "string" ? 0 : s.offset
  return seconds * 1000 + millis - offset * 60_000
}

const stamp: fc.Arbitrary<Stamp> = fc.record({
  // Years where calendars go wrong drawn often: 0 (leap), 1-99 (Date.UTC's 1900s), 1900 (not leap), 2000.
  year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 4, 99, 100, 1900, 1969, 1970, 2000, 9999)),
  month: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(2)),
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
  fraction: fc.oneof(
    fc.constant(""),
    fc.stringMatching(/^\d{1,20}$/),
    // Just under the next millisecond: "0.123999..." must not round up.
    fc.tuple(fc.stringMatching(/^\d{3}$/), fc.integer({ min: 10, max: 25 })).map(([ms, n]) => `${ms}${"9".repeat(n)}`)
  ),
  offset: fc.oneof(
    fc.constantFrom("Z" as const, "z" as const),
    fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })
  ),
  separator: fc.constantFrom("T" as const, "t" as const)
}).chain((fields) =>
  fc.integer({ min: 1, max: monthLength(fields.year, fields.month) }).map((day): Stamp => ({ ...fields, day }))
)

describe("Decode.parseTimestamp", () => {
  it("reads any valid RFC 3339 date-time as the instant it names", () => {
    fc.assert(
      fc.property(stamp, (s) => {
        expect(Decode.parseTimestamp(format(s))).toBe(instant(s))
      }),
      { numRuns: 2000 }
    )
  })

  it("agrees with Date.parse for the subset Date.parse reads strictly (upper case, years 1970-9999)", () => {
    const upper = stamp.filter((s) => s.year >= 1970).map((s): Stamp => ({
      ...s,
      separator: "T",
      offset: s.offset === "z" ? "Z" : s.offset,
      fraction: s.fraction.slice(0, 3)
    }))
    fc.assert(
      fc.property(upper, (s) => {
        expect(Decode.parseTimestamp(format(s))).toBe(Date.parse(format(s)))
      }),
      { numRuns: 300 }
    )
  })

  it("reads the examples in the documentation", () => {
    expect(Decode.parseTimestamp("2024-01-15T10:30:00Z")).toBe(1705314600000)
    expect(Decode.parseTimestamp("2024-01-15T12:30:00+02:00")).toBe(1705314600000)
    expect(Decode.parseTimestamp("2024-01-15t10:30:00.5z")).toBe(1705314600500)
    expect(Decode.parseTimestamp("0000-01-01T00:00:00Z")).toBe(Date.UTC(2000, 0, 1) - 730485 * 86_400_000)
    expect(Decode.parseTimestamp("0099-12-31T23:59:59Z")).toBe(new Date("0099-12-31T23:59:59Z").getTime())
  })

  it("truncates a fraction to the millisecond, however many nines follow", () => {
    expect(Decode.parseTimestamp("2024-01-15T10:30:59.99999999999999999Z")).toBe(Date.UTC(2024, 0, 15, 10, 30, 59, 999))
    expect(Decode.parseTimestamp("2024-01-15T10:30:00.1239999999999999999Z")).toBe(
      Date.UTC(2024, 0, 15, 10, 30, 0, 123)
    )
  })

  it("reads a leap second as the next second", () => {
    expect(Decode.parseTimestamp("2016-12-31T23:59:60Z")).toBe(Date.UTC(2017, 0, 1))
  })

  it("accepts February 29 in leap years only", () => {
    expect(Decode.parseTimestamp("2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29))
    expect(Decode.parseTimestamp("2000-02-29T00:00:00Z")).toBe(Date.UTC(2000, 1, 29))
    expect(Decode.parseTimestamp("2023-02-29T00:00:00Z")).toBe(undefined)
    expect(Decode.parseTimestamp("1900-02-29T00:00:00Z")).toBe(undefined)
  })

  it("reads February 29 of year 0 (a leap year, unlike 1900) as that day", () => {
    expect(Decode.parseTimestamp("0000-02-29T12:00:00Z")).toBe(
      Decode.parseTimestamp("0000-02-28T12:00:00Z")! + 86_400_000
    )
    expect(Decode.parseTimestamp("0000-03-01T00:00:00Z")).toBe(
      Decode.parseTimestamp("0000-02-29T00:00:00Z")! + 86_400_000
    )
  })

  // The grammar as a regular expression (how parseTimestamp read it before it went character by character):
  // on strings one to three edits away from valid ones, both accept the same and agree on the shape.
  it("accepts exactly what the RFC 3339 grammar as a regular expression accepts", () => {
    const grammar = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/
    const alphabet = "0123456789-:TtZz+.x \u0660"
    const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...alphabet))
    const mutated = fc.tuple(stamp.map(format), fc.array(edit, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
      let out = text
      for (const [position, kind, char] of edits) {
        const at = position % (out.length + 1)
        out = kind === 0
          ? out.slice(0, at) + char + out.slice(at + 1)
          : kind === 1
          ? out.slice(0, at) + out.slice(at + 1)
          : out.slice(0, at) + char + out.slice(at)
      }
      return out
    })
    fc.assert(
      fc.property(mutated, (text) => {
        const parsed = Decode.parseTimestamp(text)
        // A text of the right shape may still name no instant (day 31 of April): parsed is then undefined.
        if (!grammar.test(text)) expect(parsed, JSON.stringify(text)).toBe(undefined)
        if (parsed !== undefined) expect(grammar.test(text), JSON.stringify(text)).toBe(true)
      }),
      { numRuns: 5000 }
    )
  })

  it("refuses what is not a full RFC 3339 date-time", () => {
    for (
      const text of [
        "1",
        "2024",
        "2024-01-15",
        "2024-01-15T10:30:00",
        "2024-01-15T10:30Z",
        "2024-01-15 10:30:00Z",
        "2024-01-15T10:30:00.Z",
        "2024-01-15T10:30:00+0200",
        "2024-01-15T10:30:00+02",
        "+002024-01-15T10:30:00Z",
        "24-01-15T10:30:00Z",
        " 2024-01-15T10:30:00Z",
        "2024-01-15T10:30:00Z ",
        "2024-01-15T10:30:00 Z",
        "2024-01-15T10:30:00Z\n",
        "２０２４-01-15T10:30:00Z",
        "Mon, 15 Jan 2024 10:30:00 GMT",
        ""
      ]
    ) {
      expect(Decode.parseTimestamp(text), JSON.stringify(text)).toBe(undefined)
    }
  })

  it("refuses days that do not exist and fields out of range", () => {
    for (
      const text of [
        "2024-04-31T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-06-31T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-13-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-01-15T24:00:00Z",
        "2024-01-15T10:60:00Z",
        "2024-01-15T10:30:61Z",
        "2024-01-15T10:30:00+24:00",
        "2024-01-15T10:30:00-24:00",
        "2024-01-15T10:30:00+01:60"
      ]
    ) {
      expect(Decode.parseTimestamp(text), text).toBe(undefined)
    }
  })

  it("refuses a valid date-time with any one field pushed out of range", () => {
    const broken = fc.tuple(
      stamp,
      fc.constantFrom(...(["month", "day", "hour", "minute", "second", "offsetHour", "offsetMinute"] as const))
    )
      .map(([s, field]) => {
        const text = format({ ...s, offset: typeof s.offset === "string" ? 0 : s.offset })
        const [date, rest] = [text.slice(0, 10), text.slice(11)]
        const bad = (n: number) => pad(n, 2)
        switch (field) {
          case "month":
            return `${date.slice(0, 5)}${bad(13 + (s.month % 87))}${date.slice(7)}T${rest}`
          case "day":
            return `${date.slice(0, 8)}${bad(monthLength(s.year, s.month) + 1 + (s.day % 60))}T${rest}`
          case "hour":
            return `${date}T${bad(24 + (s.hour % 76))}${rest.slice(2)}`
          case "minute":
            return `${date}T${rest.slice(0, 3)}${bad(60 + (s.minute % 40))}${rest.slice(5)}`
          case "second":
            return `${date}T${rest.slice(0, 6)}${bad(61 + (s.second % 39))}${rest.slice(8)}`
          case "offsetHour":
            return `${text.slice(0, -5)}${bad(24 + (s.hour % 76))}${text.slice(-3)}`
          case "offsetMinute":
            return `${text.slice(0, -2)}${bad(60 + (s.minute % 40))}`
        }
      })
    fc.assert(
      fc.property(broken, (text) => {
        expect(Decode.parseTimestamp(text)).toBe(undefined)
      }),
      { numRuns: 500 }
    )
  })

  it("refuses random text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        expect(Decode.parseTimestamp(text)).toBe(undefined)
      }),
      { numRuns: 300 }
    )
  })
})

// The seed's session, as JSON.parse gives it.
const seed = {
  id: "ase_customer_support_001",
  agent_id: "agt_customer_support",
  description: "Customer support session for billing inquiry",
  metadata: { customer_id: "customer_12345", priority: "high", tags: ["billing"], score: 4.5, nested: { a: null } },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}

/** A generated body and the fields the fast path must return for it (`undefined`: left to the schema). */
interface SessionCase {
  readonly json: unknown
  readonly expected: Decode.SessionFields | undefined
}

const finiteJson = fc.jsonValue().filter(Decode.allFinite)

const validSession: fc.Arbitrary<SessionCase> = fc.record({
  id: fc.string(),
  agent_id: fc.string(),
  description: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined)),
  metadata: fc.oneof(
    { arbitrary: fc.dictionary(fc.string(), finiteJson, { maxKeys: 5 }), weight: 4 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 }
  ),
  enabled: fc.boolean(),
  stamp,
  extra: fc.option(fc.jsonValue(), { nil: undefined })
}).map(({ description, enabled, extra, id, metadata, stamp: s, agent_id }) => {
  const json: Record<string, unknown> = { id, agent_id, enabled, created_at: format(s) }
  if (description !== undefined) json.description = description
  if (metadata !== undefined) json.metadata = metadata
  if (extra !== undefined) json.extra = extra
  // As JSON.parse gives it (-0 becomes 0).
  const parsed = JSON.parse(JSON.stringify(json))
  const fields = { id, agent_id, metadata: parsed.metadata ?? {}, enabled, createdAtMillis: instant(s) }
  return { json: parsed, expected: typeof description === "string" ? { ...fields, description } : fields }
})

/** One field of a valid session made wrong: the fast path must then leave the body to the schema. */
const brokenSession: fc.Arbitrary<SessionCase> = fc.tuple(
  validSession,
  fc.constantFrom("id", "agent_id", "enabled", "created_at", "description", "metadata"),
  fc.oneof(fc.integer(), fc.constant("true"), fc.constant([]), fc.constant({}), fc.constant("1"))
).map(([{ json }, field, value]) => {
  const broken: Record<string, unknown> = { ...(json as Record<string, unknown>) }
  if (field === "description" && (typeof value === "string" || value === null)) broken[field] = 42
  else if (field === "metadata" && typeof value === "object" && !Array.isArray(value)) broken[field] = "meta"
  else if (field === "created_at") broken[field] = typeof value === "string" ? value : "2024-01-15"
  else broken[field] = value
  if (field === "id" || field === "agent_id") broken[field] = typeof value === "string" ? 7 : value
  return { json: broken, expected: undefined }
})

describe("Decode.session", () => {
  it("reads the seed's session", () => {
    expect(Decode.session(seed)).toEqual({
      id: seed.id,
      agent_id: seed.agent_id,
      description: seed.description,
      metadata: seed.metadata,
      enabled: true,
      createdAtMillis: Date.UTC(2024, 0, 15, 10, 30)
    })
  })

  it("decodes the generated sessions to the expected fields, most of them valid", () => {
    let total = 0
    let valid = 0
    fc.assert(
      fc.property(
        fc.oneof({ arbitrary: validSession, weight: 9 }, { arbitrary: brokenSession, weight: 1 }),
        ({ expected, json }) => {
          total++
          const fields = Decode.session(json)
          expect(fields).toEqual(expected)
          if (fields !== undefined) {
            valid++
            // Absent description is absent, not undefined.
            expect("description" in fields).toBe(expected !== undefined && "description" in expected)
          }
        }
      ),
      { numRuns: 1000 }
    )
    // Most cases must reach the fields-equal assertion, not stop at "left to the schema".
    expect(valid / total).toBeGreaterThan(0.8)
  })

  it("reads null or absent description as absent, and null or absent metadata as {}", () => {
    const base = { id: "ase_1", agent_id: "agt_1", enabled: false, created_at: "2024-01-15T10:30:00Z" }
    for (const extra of [{}, { description: null }, { metadata: null }, { description: null, metadata: null }]) {
      const fields = Decode.session({ ...base, ...extra })!
      expect(fields.metadata).toEqual({})
      expect(Object.keys(fields).sort()).toEqual(["agent_id", "createdAtMillis", "enabled", "id", "metadata"])
    }
  })

  it("leaves wrong types to the schema", () => {
    const wrong: ReadonlyArray<Record<string, unknown>> = [
      { id: 1 },
      { agent_id: null },
      { enabled: "true" },
      { enabled: 1 },
      { created_at: 1705314600000 },
      { created_at: "1" },
      { created_at: "2024-01-15" },
      { description: 5 },
      { description: {} },
      { metadata: [] },
      { metadata: "x" },
      { metadata: 1 }
    ]
    for (const change of wrong) expect(Decode.session({ ...seed, ...change }), JSON.stringify(change)).toBe(undefined)
    for (const field of ["id", "agent_id", "enabled", "created_at"]) {
      const { [field as keyof typeof seed]: _, ...rest } = seed
      expect(Decode.session(rest), field).toBe(undefined)
    }
  })

  it("leaves what is not an object to the schema", () => {
    for (const json of [null, undefined, "session", 1, true, [seed]]) expect(Decode.session(json)).toBe(undefined)
  })

  it("leaves metadata holding a non-finite number to the schema", () => {
    expect(Decode.session({ ...seed, metadata: JSON.parse("{\"n\":1e400}") })).toBe(undefined)
    expect(Decode.session({ ...seed, metadata: { deep: [{ n: Number.NaN }] } })).toBe(undefined)
    expect(Decode.session({ ...seed, metadata: { deep: [{ n: Number.NEGATIVE_INFINITY }] } })).toBe(undefined)
  })
})

describe("Decode.allFinite", () => {
  it("is true for any JSON value whose numbers are all finite, false once one is not", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), (
        value,
        bad
      ) => {
        expect(Decode.allFinite(value)).toBe(true)
        expect(Decode.allFinite({ value, bad: [bad] })).toBe(false)
      }),
      { numRuns: 200 }
    )
  })
})

describe("Decode.sessionIds", () => {
  it("reads the documented shape {sessions: [ids]}", () => {
    expect(Decode.sessionIds({ sessions: ["ase_1", "ase_2"] })).toEqual(["ase_1", "ase_2"])
    expect(Decode.sessionIds({ sessions: [] })).toEqual([])
  })

  it("reads the live shape [{session_id, ...}]", () => {
    expect(Decode.sessionIds([{ session_id: "ase_1", session_name: "x" }, { session_id: "ase_2" }])).toEqual([
      "ase_1",
      "ase_2"
    ])
  })

  it("reads any mix of strings and objects with a session_id, in order", () => {
    const item = fc.oneof(
      fc.string().map((id) => ({ item: id as unknown, id })),
      fc.tuple(fc.string(), fc.jsonValue()).map(([id, extra]) => ({ item: { session_id: id, extra } as unknown, id }))
    )
    fc.assert(
      fc.property(fc.array(item, { maxLength: 30 }), fc.boolean(), (items, wrapped) => {
        const list = items.map((i) => i.item)
        expect(Decode.sessionIds(wrapped ? { sessions: list } : list)).toEqual(items.map((i) => i.id))
      }),
      { numRuns: 300 }
    )
  })

  it("leaves any other shape to the schema", () => {
    for (
      const json of [
        null,
        "ase_1",
        1,
        {},
        { sessions: "ase_1" },
        { sessions: null },
        { session_ids: ["ase_1"] },
        [1],
        ["ase_1", null],
        [{ id: "ase_1" }],
        [{ session_id: 1 }],
        [["ase_1"]],
        { sessions: [{ session_id: null }] }
      ]
    ) {
      expect(Decode.sessionIds(json), JSON.stringify(json)).toBe(undefined)
    }
  })
})
