/**
 * The wire schemas of the Agent Sessions API: one session (`GET /v2/agents/{agent_id}/sessions/{session_id}`)
 * and the list of an agent's session IDs (`GET /v1/agent/{agent_id}/sessions`).
 *
 * @since 0.1.0
 */
import { Decode } from "@lyzr-effect/wire"
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** The first and last instants RFC 3339 can write (years 0000–9999). */
const firstInstant = -62_167_219_200_000 // 0000-01-01T00:00:00.000Z
const lastInstant = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z

/**
 * An RFC 3339 date-time string decoded to a `DateTime.Utc`, and encoded back as ISO 8601 in UTC (`Z`,
 * milliseconds). It reads what RFC 3339 allows — a lowercase `t` or `z`, a numeric offset, any number of
 * fraction digits (the first three kept), a leap second as the next second — and refuses the rest: a bare
 * number (`"1"`, which Effect's `Schema.DateTimeUtc` reads as 2001-01-01), a date without a time, a time
 * without an offset, a day that does not exist. It follows the wire's `Decode.parseTimestamp`, the rule
 * the fast decoding path uses, so both paths accept exactly the same strings.
 *
 * @example
 * ```ts
 * import { Rfc3339DateTime } from "@lyzr-effect/core"
 * import { DateTime, Either, Schema } from "effect"
 *
 * const decode = Schema.decodeUnknownEither(Rfc3339DateTime)
 * const noon = decode("2024-01-15t12:30:00+02:00")
 * if (Either.isRight(noon)) DateTime.formatIso(noon.right) // "2024-01-15T10:30:00.000Z"
 * Either.isLeft(decode("1")) // true
 * Either.isLeft(decode("2024-01-15")) // true
 * Either.isLeft(decode("2024-01-15T10:30:00")) // true: no offset
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rfc3339DateTime: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String.annotations({ description: "an RFC 3339 date-time, such as 2024-01-15T10:30:00Z" }),
  Schema.DateTimeUtcFromSelf.annotations({
    // Only the instants RFC 3339 can write, so that generated values encode to strings that decode.
    arbitrary: () => (fc) =>
      fc.integer({ min: firstInstant, max: lastInstant }).map((millis) => DateTime.unsafeMake(millis))
  }),
  {
    strict: true,
    decode: (text, _, ast) => {
      const millis = Decode.parseTimestamp(text)
      return millis === undefined
        ? ParseResult.fail(
          new ParseResult.Type(
            ast,
            text,
            `Expected an RFC 3339 date-time (such as 2024-01-15T10:30:00Z), got ${JSON.stringify(text)}`
          )
        )
        : ParseResult.succeed(DateTime.unsafeMake(millis))
    },
    encode: (dateTime) => ParseResult.succeed(DateTime.formatIso(dateTime))
  }
).annotations({ identifier: "Rfc3339DateTime", jsonSchema: { type: "string", format: "date-time" } })

/**
 * Any JSON value.
 *
 * @example
 * ```ts
 * import { JsonValue } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * const metadata: JsonValue = { priority: "high", tags: ["billing"], attempts: 2 }
 * const decoded = Schema.decodeUnknownSync(JsonValue)(JSON.parse(JSON.stringify(metadata)))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/**
 * The schema of any JSON value (session metadata is free-form JSON).
 *
 * @example
 * ```ts
 * import { JsonValue } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * // NaN and Infinity are not JSON: the schema refuses them rather than let them turn into null
 * const isJson = Schema.is(JsonValue)
 * console.log(isJson({ attempts: 2, tags: ["billing"] }), isJson({ score: Number.NaN })) // true false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonValue: Schema.Schema<JsonValue> = Schema.Union(
  Schema.Null,
  Schema.Boolean,
  // JSON has no NaN or Infinity: JSON.stringify would silently turn them into null.
  Schema.Finite,
  Schema.String,
  Schema.Array(Schema.suspend((): Schema.Schema<JsonValue> => JsonValue)),
  Schema.Record({ key: Schema.String, value: Schema.suspend((): Schema.Schema<JsonValue> => JsonValue) })
).annotations({ identifier: "JsonValue" })

/**
 * One conversational session of an agent, with the wire's field names. `created_at` is decoded to a
 * `DateTime.Utc` by {@link Rfc3339DateTime} (strict RFC 3339); fields the service adds later are ignored, so new fields never break decoding.
 *
 * @example
 * ```ts
 * import { AgentSession } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * const session = Schema.decodeUnknownSync(AgentSession)({
 *   id: "ase_customer_support_001",
 *   agent_id: "agt_customer_support",
 *   description: "Billing inquiry",
 *   metadata: { priority: "high" },
 *   enabled: true,
 *   created_at: "2024-01-15T10:30:00Z"
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export class AgentSession extends Schema.Class<AgentSession>("AgentSession")({
  id: Schema.String,
  agent_id: Schema.String,
  description: Schema.optionalWith(Schema.String, { nullable: true }),
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: JsonValue }), {
    nullable: true,
    default: () => ({})
  }),
  enabled: Schema.Boolean,
  created_at: Rfc3339DateTime
}) {}

/**
 * An entry of the list as the live service sends it: `{session_id, session_name, user_id, created_at}`.
 * Only `session_id` is required; the rest is not part of the documented contract.
 *
 * @example
 * ```ts
 * import { SessionListEntry } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * // extra fields of the live service are accepted and dropped
 * const entry = Schema.decodeUnknownSync(SessionListEntry)({ session_id: "ase_1", session_name: "Billing" })
 * // entry: { session_id: "ase_1" }
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionListEntry = Schema.Struct({ session_id: Schema.String })

/**
 * Both wire shapes of `GET /v1/agent/{agent_id}/sessions`: the documented `{"sessions": ["..."]}` and
 * the bare array of `{session_id, ...}` objects that Lyzr's service returns.
 *
 * @example
 * ```ts
 * import { SessionListWire } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * const isListBody = Schema.is(SessionListWire)
 * isListBody({ sessions: ["ase_1"] }) // true: the documented shape
 * isListBody([{ session_id: "ase_1" }]) // true: the shape the live service sends
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionListWire = Schema.Union(
  Schema.Struct({ sessions: Schema.Array(Schema.Union(Schema.String, SessionListEntry)) }),
  Schema.Array(Schema.Union(SessionListEntry, Schema.String))
)

const idOf = (entry: string | { readonly session_id: string }): string =>
  typeof entry === "string" ? entry : entry.session_id

/**
 * The session IDs of an agent, decoded from either wire shape (and encoded to the documented one).
 *
 * @example
 * ```ts
 * import { SessionIds } from "@lyzr-effect/core"
 * import { Schema } from "effect"
 *
 * const decode = Schema.decodeUnknownSync(SessionIds)
 * decode({ sessions: ["ase_1", "ase_2"] }) // ["ase_1", "ase_2"]
 * decode([{ session_id: "ase_1", session_name: "Billing" }]) // ["ase_1"]
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const SessionIds: Schema.Schema<ReadonlyArray<string>, typeof SessionListWire.Encoded> = Schema.transform(
  SessionListWire,
  Schema.Array(Schema.String),
  {
    strict: true,
    decode: (wire) =>
      (Array.isArray(wire) ? wire : (wire as { sessions: ReadonlyArray<string | { session_id: string }> }).sessions)
        .map(idOf),
    encode: (ids) => ({ sessions: ids })
  }
)
