/**
 * The wire schemas of the Agent Sessions API: one session (`GET /v2/agents/{agent_id}/sessions/{session_id}`)
 * and the list of an agent's session IDs (`GET /v1/agent/{agent_id}/sessions`).
 *
 * @since 0.1.0
 */
import { Decode } from "@lyzr-effect/wire"
import { DateTime, ParseResult, Schema } from "effect"

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
 * `created_at` as the wire's fast path reads it (`Decode.parseTimestamp`): an RFC 3339 date-time with an
 * offset, and nothing else. `Schema.DateTimeUtc` would take whatever `Date` parses ("2024-01-15", "1",
 * February 30, a time without an offset read in the machine's time zone).
 */
const Rfc3339Utc = Schema.transformOrFail(
  Schema.String,
  // Arbitrary instants stay within RFC 3339's four-digit years (0000-9999), the ones the wire can carry.
  Schema.DateTimeUtcFromSelf.annotations({
    arbitrary: () => (fc) =>
      fc.date({ min: new Date(-62_167_219_200_000), max: new Date(253_402_300_799_999), noInvalidDate: true })
        .map((date) => DateTime.unsafeMake(date))
  }),
  {
    strict: true,
    decode: (text, _, ast) => {
      const millis = Decode.parseTimestamp(text)
      return millis === undefined
        ? ParseResult.fail(
          new ParseResult.Type(ast, text, "Expected an RFC 3339 date-time with an offset, such as 2024-01-15T10:30:00Z")
        )
        : ParseResult.succeed(DateTime.unsafeMake(millis))
    },
    encode: (dateTime) => ParseResult.succeed(DateTime.formatIso(dateTime))
  }
).annotations({ identifier: "Rfc3339DateTimeUtc" })

/**
 * One conversational session of an agent, with the wire's field names. `created_at` (RFC 3339, with an
 * offset) is decoded to a `DateTime.Utc`; fields the service adds later are ignored, so new fields never break decoding.
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
  created_at: Rfc3339Utc
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
