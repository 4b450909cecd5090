/**
 * The key echoed back by a server, in every form it can come back in, and the leak check of every
 * suite. Written here, apart from the wire's redactor, so that one misreading cannot pass on both sides;
 * plain TypeScript without Node APIs, so the Deno script and the Worker of the soak use it too.
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

/**
 * The forms of a key a server can send back: as is; JSON-escaped (`\uXXXX` for every character or some,
 * `\/` for `/`); percent-encoded in full (either case) or in part; and a mix of all three.
 */
export const echoForms = (key: string): ReadonlyArray<readonly [name: string, text: string]> => [
  ["literal", key],
  ["json-all", each(key, (c) => jsonEscape(c, false))],
  ["json-some", each(key, (c, i) => (i % 2 === 0 ? jsonEscape(c, true) : c))],
  ["json-slash", each(key, (c) => (c === "/" ? "\\/" : c))],
  ["percent-all-upper", each(key, (c) => percentEncode(c, true))],
  ["percent-all-lower", each(key, (c) => percentEncode(c, false))],
  ["percent-uri-component", encodeURIComponent(key)],
  ["percent-some", each(key, (c, i) => (i % 2 === 1 ? percentEncode(c, i % 4 === 1) : c))],
  ["mixed", each(key, (c, i) => (i % 3 === 0 ? jsonEscape(c, true) : i % 3 === 1 ? percentEncode(c, false) : c))]
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

/**
 * The first piece of the key, 8 characters or more, in any reading of the text (as is, JSON-decoded,
 * percent-decoded, both): a key cut in two at an excerpt's end still leaks its first part.
 */
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

/** Every string inside a value: own enumerable fields, nested arrays and objects, an Error's message and stack. */
const stringsIn = (value: unknown, seen = new Set<unknown>()): Array<string> => {
  if (typeof value === "string") return [value]
  if (typeof value !== "object" || value === null || seen.has(value)) return []
  seen.add(value)
  const out: Array<string> = []
  if (value instanceof Error) out.push(value.message, value.stack ?? "")
  for (const field of Object.values(value)) out.push(...stringsIn(field, seen))
  return out
}

/**
 * Whether the key, in any form or in part, shows in an error: any of its fields, `String`,
 * `JSON.stringify`, or the extra renderings given (`Cause.pretty`, log lines).
 */
export const errorLeaks = (key: string, error: unknown, renderings: ReadonlyArray<string> = []): boolean =>
  [...stringsIn(error), String(error), JSON.stringify(error) ?? "", ...renderings].some((text) =>
    leakIn(key, text) !== undefined
  )
