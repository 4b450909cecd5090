/**
 * The API key kept out of everything a client reports. A server may echo the key back in a body, a
 * header or a `Location`, and not always as sent: JSON escapes any character as `\uXXXX` (PHP escapes
 * `/` as `\/`), and URLs percent-encode some or all of it. A redactor matches every mix of those forms.
 *
 * @since 0.1.0
 */

/**
 * What replaces the key.
 *
 * @example
 * ```ts
 * import { Redaction } from "@lyzr-effect/wire"
 *
 * Redaction.placeholder // "<redacted>"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const placeholder = "<redacted>"

/**
 * Finds and replaces the key, in any form it can come back in.
 *
 * @example
 * ```ts
 * import { Redaction } from "@lyzr-effect/wire"
 *
 * const redactor = Redaction.make("sk-test/123")
 * redactor.scrub('{"detail":"bad key sk\\u002dtest\\/123"}') // '{"detail":"bad key <redacted>"}'
 * redactor.contains("https://x.test/?k=sk-test%2F123") // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Redactor {
  /** The text with every occurrence of the key, in any form, replaced by {@link placeholder}. */
  readonly scrub: (text: string) => string
  /** Whether the text holds the key in any form. */
  readonly contains: (text: string) => boolean
  /** Every string in a record (nested arrays and plain objects included) scrubbed; other values kept. */
  readonly record: <A>(value: A) => A
}

const hex = (code: number, width: number): string => code.toString(16).padStart(width, "0")

/** `[xX]`-style classes so that hex digits match in either case. */
const anyCase = (text: string): string => text.replace(/[a-f]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

const utf8 = (char: string): Array<number> => Array.from(new TextEncoder().encode(char))

/** Every way one character of the key can be written back: as is, JSON-escaped, percent-encoded. */
const formsOf = (char: string): Array<string> => {
  const code = char.codePointAt(0)!
  const forms = [escapeRegExp(char)]
  if (code <= 0xffff) forms.push(`\\\\u${anyCase(hex(code, 4))}`)
  else {
    const high = char.charCodeAt(0)
    const low = char.charCodeAt(1)
    forms.push(`\\\\u${anyCase(hex(high, 4))}\\\\u${anyCase(hex(low, 4))}`)
  }
  forms.push(utf8(char).map((byte) => `%${anyCase(hex(byte, 2).toUpperCase())}`).join(""))
  switch (char) {
    case "/":
      forms.push("\\\\/")
      break
    case "\"":
      forms.push("\\\\\"")
      break
    case "\\":
      forms.push("\\\\\\\\")
      break
    case "\t":
      forms.push("\\\\t")
      break
    case " ":
      forms.push("\\+")
      break
  }
  return forms
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A redactor for one key. Build it once per client (at configuration), not per call. An empty key
 * matches nothing.
 *
 * @example
 * ```ts
 * import { Redaction } from "@lyzr-effect/wire"
 *
 * const redactor = Redaction.make("sk-live-abc")
 * redactor.record({ message: "key sk%2Dlive-abc refused", status: 401 })
 * // { message: "key <redacted> refused", status: 401 }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (key: string): Redactor => {
  if (key.length === 0) {
    return { scrub: (text) => text, contains: () => false, record: (value) => value }
  }
  const source = Array.from(key).map((char) => `(?:${formsOf(char).join("|")})`).join("")
  const global = new RegExp(source, "g")
  const once = new RegExp(source)
  const scrub = (text: string): string => text.replace(global, placeholder)
  const record = <A>(value: A): A => {
    if (typeof value === "string") return scrub(value) as A
    if (Array.isArray(value)) return value.map(record) as A
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {}
      for (const name of Object.keys(value)) out[name] = record(value[name])
      return out as A
    }
    return value
  }
  return { scrub, contains: (text) => once.test(text), record }
}
