/**
 * The wire schemas of the Agent Sessions API: one session (`GET /v2/agents/{agent_id}/sessions/{session_id}`)
 * and the list of an agent's session IDs (`GET /v1/agent/{agent_id}/sessions`).
 *
 * @since 0.1.0
 */
import { Decode } from "@lyzr-effect/wire"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaTransformation from "effect/SchemaTransformation"

/**
 * Any JSON value.
 *
 * @example
 * ```ts
 * import { JsonValue } from "@lyzr-effect/effect4-core"
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
 * The schema of any JSON value (session metadata is free-form JSON). Numbers must be finite: JSON has no
 * `NaN` or `Infinity` (`1e400` parses to `Infinity`, which `JSON.stringify` would silently turn into `null`).
 *
 * @example
 * ```ts
 * import { JsonValue } from "@lyzr-effect/effect4-core"
 * import { Schema } from "effect"
 *
 * Schema.is(JsonValue)({ tags: ["billing"], attempts: 2 }) // true
 * Schema.is(JsonValue)({ attempts: Number.POSITIVE_INFINITY }) // false
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const JsonValue: Schema.Codec<JsonValue> = Schema.Union([
  Schema.Null,
  Schema.Boolean,
  Schema.Finite,
  Schema.String,
  Schema.Array(Schema.suspend((): Schema.Codec<JsonValue> => JsonValue)),
  Schema.Record(Schema.String, Schema.suspend((): Schema.Codec<JsonValue> => JsonValue))
]).annotate({ identifier: "JsonValue" })

/**
 * An RFC 3339 date-time string (`2024-01-15T10:30:00Z`, `2024-01-15t12:30:00.5+02:00`) decoded to a
 * `DateTime.Utc`, read by the wire's `Decode.parseTimestamp`: the fast path of the service and this schema
 * accept exactly the same inputs. Encodes to ISO 8601 in UTC.
 *
 * @example
 * ```ts
 * import { Timestamp } from "@lyzr-effect/effect4-core"
 * import { DateTime, Schema } from "effect"
 *
 * const at = Schema.decodeUnknownSync(Timestamp)("2024-01-15T12:30:00+02:00")
 * DateTime.formatIso(at) // "2024-01-15T10:30:00.000Z"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp: Schema.decodeTo<Schema.DateTimeUtc, Schema.String> = Schema.String.pipe(
  Schema.decodeTo(
    Schema.DateTimeUtc,
    SchemaTransformation.transformEffect({
      decode: (text, options) => {
        const millis = Decode.parseTimestamp(text)
        return millis === undefined
          ? Effect.fail(new SchemaIssue.InvalidValue({ expected: "an RFC 3339 date-time" }, text, options))
          : Effect.succeed(DateTime.makeUnsafe(millis))
      },
      encode: (utc) => Effect.succeed(DateTime.formatIso(utc))
    })
  )
)

/**
 * {@link Timestamp} under the Effect 3 line's name (`Rfc3339DateTime` in `@lyzr-effect/core`), so that
 * code moves between the lines by changing the package name alone.
 *
 * @example
 * ```ts
 * import { Rfc3339DateTime } from "@lyzr-effect/effect4-core"
 * import { DateTime, Schema } from "effect"
 *
 * const at = Schema.decodeUnknownSync(Rfc3339DateTime)("2024-01-15t12:30:00+02:00")
 * DateTime.formatIso(at) // "2024-01-15T10:30:00.000Z"
 * ```
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rfc3339DateTime: Schema.decodeTo<Schema.DateTimeUtc, Schema.String> = Timestamp

/** `null` or absent on the wire; absent once decoded (`?: string | undefined`, as in the Effect 3 line). */
const description = Schema.optionalKey(Schema.NullOr(Schema.String)).pipe(
  Schema.decodeTo(
    Schema.optional(Schema.String),
    SchemaTransformation.transformOptional<string | undefined, string | null>({
      decode: Option.filter((value): value is string => value !== null),
      // `undefined` (allowed by the type) is absent on the wire
      encode: Option.filter((value): value is string => value !== undefined)
    })
  )
)

/**
 * One conversational session of an agent, with the wire's field names. `created_at` is decoded to a
 * `DateTime.Utc` (see {@link Timestamp}); `description` and `metadata` may be `null` or absent on the wire
 * (absent and `{}` once decoded); fields the service adds later are ignored, so new fields never break decoding.
 *
 * @example
 * ```ts
 * import { AgentSession } from "@lyzr-effect/effect4-core"
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
  description,
  metadata: Schema.optionalKey(Schema.NullOr(Schema.Record(Schema.String, JsonValue))).pipe(
    Schema.decodeTo(
      Schema.Record(Schema.String, JsonValue),
      SchemaTransformation.transformOptional({
        decode: (value) => Option.some(Option.getOrNull(value) ?? {}),
        encode: (value) => value
      })
    )
  ),
  enabled: Schema.Boolean,
  created_at: Timestamp
}) {}

/**
 * An entry of the list as the live service sends it: `{session_id, session_name, user_id, created_at}`.
 * Only `session_id` is required; the rest is not part of the documented contract.
 *
 * @example
 * ```ts
 * import { SessionListEntry } from "@lyzr-effect/effect4-core"
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
export const SessionListEntry: Schema.Struct<{ readonly session_id: Schema.String }> = Schema.Struct({
  session_id: Schema.String
})

/**
 * Both wire shapes of `GET /v1/agent/{agent_id}/sessions`: the documented `{"sessions": ["..."]}` and
 * the bare array of `{session_id, ...}` objects that Lyzr's service returns.
 *
 * @example
 * ```ts
 * import { SessionListWire } from "@lyzr-effect/effect4-core"
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
export const SessionListWire = Schema.Union([
  Schema.Struct({ sessions: Schema.Array(Schema.Union([Schema.String, SessionListEntry])) }),
  Schema.Array(Schema.Union([SessionListEntry, Schema.String]))
])

const idOf = (entry: string | { readonly session_id: string }): string =>
  typeof entry === "string" ? entry : entry.session_id

/**
 * The session IDs of an agent, decoded from either wire shape (and encoded to the documented one).
 *
 * @example
 * ```ts
 * import { SessionIds } from "@lyzr-effect/effect4-core"
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
export const SessionIds: Schema.Codec<ReadonlyArray<string>, typeof SessionListWire.Encoded> = SessionListWire.pipe(
  Schema.decodeTo(
    Schema.Array(Schema.String),
    SchemaTransformation.transform({
      decode: (wire): ReadonlyArray<string> => ("sessions" in wire ? wire.sessions : wire).map(idOf),
      encode: (ids) => ({ sessions: ids })
    })
  )
)
