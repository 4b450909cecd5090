/**
 * A server echoing the API key back, in every form it can come back in, and an oracle that finds the
 * key (or a piece of it) in any text, written apart from the wire's redactor so that one misreading
 * cannot pass on both sides.
 */

/**
 * A key holding the characters that have forms of their own: `/` (`\/` in JSON), `+`, `=`, `~`, `.`,
 * `_` and `-` (percent-encoded by some encoders and not others).
 */
export const echoKey = "sk-live/LEAKCANARY+7f3a9c2e_51d0.4b86=~Zq"

const hex = (value: number, width: number, upper: boolean) => {
  const digits = value.toString(16).padStart(width, "0")
  return upper ? digits.toUpperCase() : digits
}
const jsonEscape = (char: string, upper: boolean) =>
  Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4, upper)}`).join("")
const percentEncode = (char: string, upper: boolean) =>
  Array.from(new TextEncoder().encode(char), (byte) => `%${hex(byte, 2, upper)}`).join("")
const each = (key: string, f: (char: string, i: number) => string) => Array.from(key).map(f).join("")

/** The forms of the key a server can send back: as is, JSON-escaped, percent-encoded, fully or in part. */
export const echoForms = (key: string): ReadonlyArray<readonly [name: string, text: string]> => [
  ["literal", key],
  ["JSON-escaped, every character (\\u00xx)", each(key, (c) => jsonEscape(c, false))],
  ["JSON-escaped, every other character (\\u00XX)", each(key, (c, i) => (i % 2 === 0 ? jsonEscape(c, true) : c))],
  ["JSON-escaped / only (\\/, as PHP writes it)", each(key, (c) => (c === "/" ? "\\/" : c))],
  [
    "JSON-escaped, \\/ and every third character",
    each(key, (c, i) => c === "/" ? "\\/" : i % 3 === 0 ? jsonEscape(c, false) : c)
  ],
  ["percent-encoded, every byte (%XX)", each(key, (c) => percentEncode(c, true))],
  ["percent-encoded, every byte (%xx)", each(key, (c) => percentEncode(c, false))],
  ["percent-encoded as encodeURIComponent does (/ + = only)", encodeURIComponent(key)],
  ["percent-encoded, every other character", each(key, (c, i) => (i % 2 === 1 ? percentEncode(c, i % 4 === 1) : c))],
  [
    "mixed: JSON escapes, percent escapes and plain characters",
    each(key, (c, i) => (i % 3 === 0 ? jsonEscape(c, true) : i % 3 === 1 ? percentEncode(c, false) : c))
  ]
]

/** JSON string escapes decoded (`\uXXXX`, `\/`, `\"`, `\\`, `\n`, ...), left to right. */
const decodeJson = (text: string): string =>
  text.replace(/\\(u[0-9a-fA-F]{4}|[^u])/g, (_, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16))
    return ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[escape] ?? escape
  })

/** Percent escapes decoded as UTF-8; a broken sequence becomes U+FFFD. */
const decodePercent = (text: string): string =>
  text.replace(
    /(?:%[0-9a-fA-F]{2})+/g,
    (run) => new TextDecoder().decode(Uint8Array.from(run.slice(1).split("%"), (byte) => parseInt(byte, 16)))
  )

/** Every reading a person or a tool can make of a text: as is, JSON-decoded, percent-decoded, both. */
const readings = (text: string): ReadonlyArray<string> => {
  const json = decodeJson(text)
  const percent = decodePercent(text)
  return [text, json, percent, decodePercent(json), decodeJson(percent), decodeJson(decodePercent(json))]
}

/**
 * How long a piece of the key must be to count as a leak: a text cut in the middle of the key (a 1 KiB
 * excerpt, a parser's snippet) must not keep its first or last part either.
 */
export const fragmentLength = 8

/** The first piece of `key` (at least {@link fragmentLength} characters) found in any reading of `text`. */
export const leakIn = (key: string, text: string): string | undefined => {
  const width = Math.min(fragmentLength, key.length)
  for (const reading of readings(text)) {
    for (let i = 0; i + width <= key.length; i++) {
      const piece = key.slice(i, i + width)
      if (reading.includes(piece)) return piece
    }
  }
  return undefined
}

/** Every string inside a value: own enumerable fields, nested arrays and objects, an Error's message and stack. */
export const stringsIn = (value: unknown, seen = new Set<unknown>()): Array<string> => {
  if (typeof value === "string") return [value]
  if (typeof value !== "object" || value === null || seen.has(value)) return []
  seen.add(value)
  const out: Array<string> = []
  if (value instanceof Error) out.push(value.message, value.stack ?? "")
  for (const field of Object.values(value)) out.push(...stringsIn(field, seen))
  return out
}
