/**
 * The key in every form a server can echo it back in, and the check that finds it (or a piece of it)
 * in any text, written apart from the wire's redactor so that one misreading cannot pass on both sides.
 */

const hex = (value: number, width: number, upper: boolean) => {
  const digits = value.toString(16).padStart(width, "0")
  return upper ? digits.toUpperCase() : digits
}
const jsonEscape = (char: string, upper: boolean) =>
  Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4, upper)}`).join("")
const percentEncode = (char: string, upper: boolean) =>
  Array.from(new TextEncoder().encode(char), (byte) => `%${hex(byte, 2, upper)}`).join("")
const each = (key: string, f: (char: string, i: number) => string) => Array.from(key).map(f).join("")

/** Literal; JSON-escaped in full, in part, or as `\/`; percent-encoded in full (either case) or in part; mixed. */
export const echoForms = (key: string): ReadonlyArray<readonly [name: string, text: string]> => [
  ["literal", key],
  ["JSON-escaped, every character", each(key, (c) => jsonEscape(c, false))],
  ["JSON-escaped, every other character", each(key, (c, i) => (i % 2 === 0 ? jsonEscape(c, true) : c))],
  ["JSON-escaped / (\\/)", each(key, (c) => (c === "/" ? "\\/" : c))],
  ["percent-encoded, every byte (%XX)", each(key, (c) => percentEncode(c, true))],
  ["percent-encoded, every byte (%xx)", each(key, (c) => percentEncode(c, false))],
  ["percent-encoded by encodeURIComponent", encodeURIComponent(key)],
  ["percent-encoded, every other character", each(key, (c, i) => (i % 2 === 1 ? percentEncode(c, i % 4 === 1) : c))],
  [
    "mixed JSON and percent escapes",
    each(key, (c, i) => (i % 3 === 0 ? jsonEscape(c, true) : i % 3 === 1 ? percentEncode(c, false) : c))
  ]
]

const decodeJson = (text: string): string =>
  text.replace(/\\(u[0-9a-fA-F]{4}|[^u])/g, (_, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16))
    return ({ n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" } as Record<string, string>)[escape] ?? escape
  })

const decodePercent = (text: string): string =>
  text.replace(
    /(?:%[0-9a-fA-F]{2})+/g,
    (run) => new TextDecoder().decode(Uint8Array.from(run.slice(1).split("%"), (byte) => parseInt(byte, 16)))
  )

/** The first piece of the key (8 characters or more) in any reading of the text: as is, JSON- or percent-decoded. */
export const leakIn = (key: string, text: string): string | undefined => {
  const width = Math.min(8, key.length)
  const json = decodeJson(text)
  const percent = decodePercent(text)
  for (const reading of [text, json, percent, decodePercent(json), decodeJson(percent)]) {
    for (let i = 0; i + width <= key.length; i++) {
      const piece = key.slice(i, i + width)
      if (reading.includes(piece)) return piece
    }
  }
  return undefined
}
