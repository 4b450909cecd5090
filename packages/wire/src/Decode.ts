/**
 * Fast paths for the two response bodies, and the timestamp rule. `JSON.parse` has already produced
 * the value, so each check is a few `typeof`s instead of a walk through a schema's parser. Each
 * returns the decoded fields, or `undefined` when the value is not in the expected shape: the line's
 * schema then decodes it and, if it fails, says why. The schemas read `created_at` with
 * {@link parseTimestamp} too, so both paths accept exactly the same inputs.
 *
 * @since 0.1.0
 */

/**
 * A session's fields as decoded: `created_at` as epoch milliseconds, `metadata` `{}` when absent or
 * null, `description` absent when absent or null.
 *
 * @example
 * ```ts
 * import { Decode } from "@lyzr-effect/wire"
 *
 * const fields = Decode.session({ id: "ase_1", agent_id: "agt_1", enabled: true, created_at: "2024-01-15T10:30:00Z" })
 * fields?.createdAtMillis // 1705314600000
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionFields {
  readonly id: string
  readonly agent_id: string
  readonly description?: string
  readonly metadata: { readonly [key: string]: unknown }
  readonly enabled: boolean
  readonly createdAtMillis: number
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Whether every number in a parsed JSON value is finite (`1e400` parses to `Infinity`, which JSON
 * cannot carry back).
 *
 * @example
 * ```ts
 * import { Decode } from "@lyzr-effect/wire"
 *
 * Decode.allFinite(JSON.parse('{"n":1e400}')) // false
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const allFinite = (value: unknown): boolean => {
  if (typeof value === "number") return Number.isFinite(value)
  if (typeof value !== "object" || value === null) return true
  if (Array.isArray(value)) return value.every(allFinite)
  for (const key in value) {
    if (!allFinite((value as Record<string, unknown>)[key])) return false
  }
  return true
}

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : [4, 6, 9, 11].includes(month)
    ? 30
    : 31

/** 400 Gregorian years: 146097 days. */
const gregorianCycleMillis = 146_097 * 86_400_000

/** The two ASCII digits at `at` as a number, or -1. */
const twoDigits = (text: string, at: number): number => {
  const a = text.charCodeAt(at) - 48
  const b = text.charCodeAt(at + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/**
 * An RFC 3339 date-time (`2024-01-15T10:30:00Z`, `2024-01-15t10:30:00.5+02:00`) as epoch
 * milliseconds; anything else (`"1"`, a date alone, a time without an offset, day 31 of April) is
 * `undefined`. A leap second (`:60`) reads as the next second.
 *
 * Read character by character, by the grammar
 * `\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})` (ASCII digits): it runs once per
 * session decoded, and a regular expression with captures costs several times as much.
 *
 * @example
 * ```ts
 * import { Decode } from "@lyzr-effect/wire"
 *
 * Decode.parseTimestamp("2024-01-15T12:30:00+02:00") // 1705314600000
 * Decode.parseTimestamp("1") // undefined
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTimestamp = (text: string): number | undefined => {
  const length = text.length
  if (length < 20) return undefined
  const century = twoDigits(text, 0)
  const yearOfCentury = twoDigits(text, 2)
  const month = twoDigits(text, 5)
  const day = twoDigits(text, 8)
  const hour = twoDigits(text, 11)
  const minute = twoDigits(text, 14)
  const second = twoDigits(text, 17)
  const separator = text.charCodeAt(10)
  if (
    century < 0 || yearOfCentury < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 ||
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 84 && separator !== 116) ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58
  ) return undefined
  const year = century * 100 + yearOfCentury
  // The first three digits of a fraction, truncated as Date.parse does: as a float,
  // "0.00099999999999999999" is 0.001.
  let at = 19
  let fraction = 0
  if (text.charCodeAt(at) === 46) {
    let digits = 0
    for (at++; at < length; at++) {
      const digit = text.charCodeAt(at) - 48
      if (digit < 0 || digit > 9) break
      if (digits < 3) fraction = fraction * 10 + digit
      digits++
    }
    if (digits === 0) return undefined
    if (digits < 3) fraction *= digits === 1 ? 100 : 10
  }
  let offset = 0
  const zone = text.charCodeAt(at)
  if (zone === 90 || zone === 122) {
    if (at + 1 !== length) return undefined
  } else if (zone === 43 || zone === 45) {
    if (at + 6 !== length || text.charCodeAt(at + 3) !== 58) return undefined
    const offsetHours = twoDigits(text, at + 1)
    const offsetMinutes = twoDigits(text, at + 4)
    if (offsetHours < 0 || offsetMinutes < 0 || offsetHours > 23 || offsetMinutes > 59) return undefined
    offset = (zone === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  } else {
    return undefined
  }
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 60) return undefined
  // Date.UTC maps years 0-99 to 1900-1999 (and 1900 has no February 29, year 0 has): compute those 400
  // years later, where the Gregorian calendar repeats, and take the 400 years back off.
  const instant = year < 100
    ? Date.UTC(year + 400, month - 1, day, hour, minute, second, fraction) - gregorianCycleMillis
    : Date.UTC(year, month - 1, day, hour, minute, second, fraction)
  return instant - offset
}

/**
 * The decoded session, or `undefined` to let the schema decide.
 *
 * @example
 * ```ts
 * import { Decode } from "@lyzr-effect/wire"
 *
 * Decode.session({ id: "ase_1" }) // undefined: the schema will say what is missing
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const session = (json: unknown): SessionFields | undefined => {
  if (!isObject(json)) return undefined
  const { agent_id, created_at, description, enabled, id, metadata } = json
  if (
    typeof id !== "string" || typeof agent_id !== "string" || typeof enabled !== "boolean" ||
    typeof created_at !== "string"
  ) return undefined
  if (description != null && typeof description !== "string") return undefined
  // Metadata holding a number past the float range goes to the schema, which refuses it.
  if (metadata != null && (!isObject(metadata) || !allFinite(metadata))) return undefined
  const createdAtMillis = parseTimestamp(created_at)
  if (createdAtMillis === undefined) return undefined
  // Literals, not spreads: a spread copies through a slow path on older engines (Node 20).
  return typeof description === "string"
    ? { id, agent_id, description, metadata: metadata ?? {}, enabled, createdAtMillis }
    : { id, agent_id, metadata: metadata ?? {}, enabled, createdAtMillis }
}

/**
 * The IDs of either list shape (`{"sessions": ["ase_1"]}` or the live `[{"session_id": "ase_1", ...}]`),
 * or `undefined` to let the schema decide.
 *
 * @example
 * ```ts
 * import { Decode } from "@lyzr-effect/wire"
 *
 * Decode.sessionIds([{ session_id: "ase_1", session_name: "x" }]) // ["ase_1"]
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const sessionIds = (json: unknown): ReadonlyArray<string> | undefined => {
  const items: unknown = Array.isArray(json) ? json : isObject(json) ? json.sessions : undefined
  if (!Array.isArray(items)) return undefined
  const ids = new Array<string>(items.length)
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i]
    if (typeof item === "string") ids[i] = item
    else if (isObject(item) && typeof item.session_id === "string") ids[i] = item.session_id
    else return undefined
  }
  return ids
}
