/**
 * The Effect 4 schemas and the fast path beside them: both accept the same inputs and produce equal
 * values (the fast path builds `AgentSession` without the class constructor's second parse).
 */
import { assert, describe, it } from "@effect/vitest"
import { Decode } from "@lyzr-effect/wire"
import { DateTime, Equal, Hash, Result, Schema } from "effect"
import { AgentSession, JsonValue, Rfc3339DateTime, SessionIds, Timestamp } from "../src/index.ts"
import * as fast from "../src/internal/fastDecode.ts"
import { seedSession } from "./support.ts"

const decodeSession = Schema.decodeUnknownResult(AgentSession)

/** The fast path and the schema agree: both refuse, or both give equal sessions. */
const agree = (wire: unknown) => {
  const quick = fast.session(wire)
  const slow = decodeSession(wire)
  assert.strictEqual(quick !== undefined, Result.isSuccess(slow), `the paths disagree on ${JSON.stringify(wire)}`)
  if (quick === undefined) return
  const session = (slow as Result.Success<AgentSession, unknown>).success
  assert.instanceOf(quick, AgentSession)
  assert.isTrue(Equal.equals(quick, session), `${String(quick)} != ${String(session)}`)
  assert.strictEqual(String(quick), String(session))
  assert.deepStrictEqual(Schema.encodeSync(AgentSession)(quick), Schema.encodeSync(AgentSession)(session))
}

const base = { id: "ase_1", agent_id: "agt_1", enabled: true, created_at: "2024-01-15T10:30:00Z" }

describe("AgentSession", () => {
  it("the fast path gives what the schema gives for the seed's session", () => {
    agree(seedSession)
    assert.isDefined(fast.session(seedSession))
  })

  it("the fast path's created_at is a DateTime.Utc as Effect makes one: equal, same hash, keys, parts and text", () => {
    for (const millis of [0, 1705314600000, -62135596800000, 253402300799999]) {
      const ours = fast.utc(millis)
      const effects = DateTime.makeUnsafe(millis)
      assert.isTrue(DateTime.isDateTime(ours) && DateTime.isUtc(ours))
      assert.isTrue(Equal.equals(ours, effects))
      assert.strictEqual(Hash.hash(ours), Hash.hash(effects))
      assert.deepStrictEqual(Object.keys(ours), Object.keys(effects))
      assert.deepStrictEqual(DateTime.toPartsUtc(ours), DateTime.toPartsUtc(effects))
      // Taken apart once, the cached parts stay out of the value's own enumerable keys, as Effect's do.
      assert.deepStrictEqual(Object.keys(ours), Object.keys(effects))
      assert.strictEqual(DateTime.toPartsUtc(ours), DateTime.toPartsUtc(ours))
      assert.deepStrictEqual(
        [String(ours), JSON.stringify(ours), DateTime.formatIso(ours), DateTime.toEpochMillis(ours)],
        [String(effects), JSON.stringify(effects), DateTime.formatIso(effects), millis]
      )
      assert.isTrue(
        Equal.equals(
          DateTime.setZone(ours, DateTime.zoneMakeOffset(3_600_000)),
          DateTime.setZone(effects, DateTime.zoneMakeOffset(3_600_000))
        )
      )
    }
  })

  it("null or absent description and metadata read as absent and {} on both paths", () => {
    for (const extra of [{}, { description: null, metadata: null }, { description: "d", metadata: { a: [1, null] } }]) {
      const wire = { ...base, ...extra }
      agree(wire)
      const session = Schema.decodeUnknownSync(AgentSession)(wire)
      assert.deepStrictEqual(session.metadata, "metadata" in extra && extra.metadata !== null ? extra.metadata : {})
      assert.strictEqual("description" in session, "description" in extra && extra.description !== null)
    }
  })

  it("Rfc3339DateTime, the Effect 3 line's name, is the same schema as Timestamp", () => {
    assert.strictEqual(Rfc3339DateTime, Timestamp)
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(Rfc3339DateTime)("1")))
  })

  it("created_at: the schema accepts exactly what Decode.parseTimestamp accepts", () => {
    const texts = [
      "2024-01-15T10:30:00Z",
      "2024-01-15t12:30:00.5+02:00",
      "2024-02-29T00:00:00Z",
      "0000-02-29T00:00:00Z",
      "2024-06-30T23:59:60Z",
      "2023-02-29T00:00:00Z",
      "2024-04-31T00:00:00Z",
      "2024-01-15T10:30:00",
      "2024-01-15",
      "1",
      "2024-01-15T24:00:00Z",
      "2024-01-15T10:30:00+24:00",
      "Mon, 15 Jan 2024 10:30:00 GMT"
    ]
    for (const text of texts) {
      const millis = Decode.parseTimestamp(text)
      const decoded = Schema.decodeUnknownResult(Timestamp)(text)
      assert.strictEqual(Result.isSuccess(decoded), millis !== undefined, text)
      if (Result.isSuccess(decoded)) assert.strictEqual(DateTime.toEpochMillis(decoded.success), millis, text)
      agree({ ...base, created_at: text })
    }
  })

  it.prop(
    "any session the schema can encode decodes the same on both paths",
    { session: AgentSession },
    ({ session }) => {
      const wire = JSON.parse(JSON.stringify(Schema.encodeSync(AgentSession)(session)))
      agree(wire)
      // RFC 3339 has four-digit years: a date past 9999 encodes as "+010000-…", which neither path reads.
      const year = DateTime.getPartUtc(session.created_at, "year")
      if (year >= 0 && year <= 9999) assert.isDefined(fast.session(wire), "an encoded session takes the fast path")
    }
  )

  it("metadata is finite JSON: 1e400 (Infinity once parsed) is refused by both paths", () => {
    const wire = JSON.parse(
      `{"id":"ase_1","agent_id":"agt_1","enabled":true,"created_at":"2024-01-15T10:30:00Z","metadata":{"n":1e400}}`
    )
    assert.isUndefined(fast.session(wire))
    const decoded = decodeSession(wire)
    assert.isTrue(Result.isFailure(decoded))
    assert.include((decoded as Result.Failure<unknown, Schema.SchemaError>).failure.message, "metadata")
    assert.isFalse(Schema.is(JsonValue)({ n: Number.NaN }))
  })
})

describe("SessionIds", () => {
  it("decodes both list shapes and encodes to the documented one", () => {
    const decode = Schema.decodeUnknownSync(SessionIds)
    assert.deepStrictEqual(decode({ sessions: ["ase_1", { session_id: "ase_2" }] }), ["ase_1", "ase_2"])
    assert.deepStrictEqual(decode([{ session_id: "ase_1", session_name: "x" }, "ase_2"]), ["ase_1", "ase_2"])
    assert.deepStrictEqual(Schema.encodeSync(SessionIds)(["ase_1"]), { sessions: ["ase_1"] })
    assert.deepStrictEqual(fast.sessionIds([{ session_id: "ase_1" }]), ["ase_1"])
  })

  it("refuses an entry without a session_id, saying where", () => {
    const decoded = Schema.decodeUnknownResult(SessionIds)([{ session_id: "ase_1" }, { id: 2 }])
    assert.isTrue(Result.isFailure(decoded))
    assert.isUndefined(fast.sessionIds([{ session_id: "ase_1" }, { id: 2 }]))
  })
})
