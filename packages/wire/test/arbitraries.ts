// Generators shared by the property tests: API keys, every form a server can echo a key back in, and
// an independent decoder used to check that a scrubbed text holds no form of the key.
import { FastCheck as fc } from "effect"

/** The characters a key is drawn from: printable ASCII (0x21-0x7e) and some non-ASCII, astral included. */
export const nonAscii: ReadonlyArray<string> = ["é", "ü", "ß", "Ω", "日", "本", "€", "😀", "𝄞"]

/** The characters that have a form of their own (`\/`, `\"`, `\\`) or are regex/URL syntax. */
export const specials: ReadonlyArray<string> = ["/", "+", "\"", "\\", "-", "%", ".", "?", "#", "&", "=", "(", "[", "$"]

const printableAscii = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code))

/** One character of a key, the special ones drawn often. */
export const keyChar: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: printableAscii, weight: 6 },
  { arbitrary: fc.constantFrom(...specials), weight: 3 },
  { arbitrary: fc.constantFrom(...nonAscii), weight: 1 }
)

/** An API key (as the redactor sees it: any non-empty string of key characters). */
export const key: fc.Arbitrary<string> = fc.array(keyChar, { minLength: 1, maxLength: 24 }).map((chars) =>
  chars.join("")
)

/** Text around a key: any printable ASCII (backslashes and percent signs included), some non-ASCII, newlines. */
export const surrounding: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), weight: 8 },
    { arbitrary: fc.constantFrom(...nonAscii, "\n", "\t"), weight: 1 }
  ),
  maxLength: 40
})

const hex = (value: number, width: number, upper: boolean): string => {
  const digits = value.toString(16).padStart(width, "0")
  return upper ? digits.toUpperCase() : digits
}

/** `\uXXXX` for every UTF-16 unit of a character (an astral one takes a surrogate pair). */
export const jsonEscape = (char: string, upper: boolean): string =>
  Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4, upper)}`).join("")

/** `%XX` for every UTF-8 byte of a character. */
export const percentEncode = (char: string, upper: boolean): string =>
  Array.from(new TextEncoder().encode(char), (byte) => `%${hex(byte, 2, upper)}`).join("")

/** The forms a key can come back in. `json-string` is applied to the whole text around the key. */
export const forms = [
  "literal",
  "json",
  "json-part",
  "percent",
  "percent-part",
  "mixed",
  "json-string"
] as const

/** A form of a key. */
export type Form = typeof forms[number]

/**
 * The key written in a form. `picks` and `cases` hold one random choice per character: whether it is
 * escaped (partial forms) or which escape it gets (mixed), and upper or lower hex.
 */
export const encodeKey = (
  keyText: string,
  form: Form,
  picks: ReadonlyArray<number>,
  cases: ReadonlyArray<boolean>
): string =>
  Array.from(keyText).map((char, i) => {
    const pick = picks[i % picks.length] ?? 0
    const upper = cases[i % cases.length] ?? true
    switch (form) {
      case "literal":
      case "json-string":
        return char
      case "json":
        return jsonEscape(char, upper)
      case "json-part":
        return pick % 3 === 0 ? char : char === "/" && pick % 3 === 1 ? "\\/" : jsonEscape(char, upper)
      case "percent":
        return percentEncode(char, upper)
      case "percent-part":
        return pick % 2 === 0 ? char : percentEncode(char, upper)
      case "mixed":
        return pick % 3 === 0 ? char : pick % 3 === 1 ? jsonEscape(char, upper) : percentEncode(char, upper)
    }
  }).join("")

/** A key embedded in random text, in one of its forms. */
export interface Echo {
  readonly key: string
  readonly form: Form
  readonly text: string
}

/** An arbitrary {@link Echo} for a given key: the key, in any form, once or more, in random text. */
export const echoOf = (keyText: string, form?: Form): fc.Arbitrary<Echo> =>
  fc.record({
    form: form === undefined ? fc.constantFrom(...forms) : fc.constant(form),
    picks: fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
    cases: fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }),
    parts: fc.array(surrounding, { minLength: 2, maxLength: 4 })
  }).map(({ cases, form, parts, picks }) => {
    const encoded = encodeKey(keyText, form, picks, cases)
    const text = parts.join(encoded)
    return { key: keyText, form, text: form === "json-string" ? JSON.stringify(text) : text }
  })

/** A random key echoed in random text, in any form. */
export const echo: fc.Arbitrary<Echo> = key.chain((keyText) => echoOf(keyText))

/** The text with JSON string escapes (`\uXXXX`, `\/`, `\"`, `\\`, ...) decoded, left to right. */
export const decodeJsonEscapes = (text: string): string =>
  text.replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (whole, escape: string) => {
    if (escape.length === 5) return String.fromCharCode(parseInt(escape.slice(1), 16))
    switch (escape) {
      case "n":
        return "\n"
      case "t":
        return "\t"
      case "r":
        return "\r"
      case "b":
        return "\b"
      case "f":
        return "\f"
      case "u":
        return whole
      default:
        return escape
    }
  })

/** The text with percent escapes decoded as UTF-8 (`+` left alone); invalid sequences become U+FFFD. */
export const decodePercent = (text: string): string =>
  text.replace(
    /(?:%[0-9a-fA-F]{2})+/g,
    (run) => new TextDecoder().decode(Uint8Array.from(run.slice(1).split("%"), (byte) => parseInt(byte, 16)))
  )

/** Every reading of a text a person or a tool might make of it: as is, JSON-decoded, percent-decoded, both. */
export const readings = (text: string): ReadonlyArray<string> => [
  text,
  decodeJsonEscapes(text),
  decodePercent(text),
  decodePercent(decodeJsonEscapes(text)),
  decodeJsonEscapes(decodePercent(text))
]
