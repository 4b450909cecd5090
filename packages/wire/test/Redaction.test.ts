import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { Redaction } from "../src/index.ts"
import { echo, echoOf, forms, key, keyChar, readings, surrounding } from "./arbitraries.ts"

// The placeholder is made of printable ASCII, so a key such as "act" or "d>" overlaps it. Before looking
// for the key in a scrubbed text, each placeholder becomes a character no key holds.
const sentinel = "\u0000"
const unmask = (text: string): string => text.split(Redaction.placeholder).join(sentinel)

const noFormLeft = (keyText: string, scrubbed: string): void => {
  const redactor = Redaction.make(keyText)
  for (const reading of readings(unmask(scrubbed))) expect(reading).not.toContain(keyText)
  expect(redactor.contains(unmask(scrubbed))).toBe(false)
}

describe("Redaction.make(key).scrub", () => {
  it("leaves no form of the key behind, whatever the form and the text around it", () => {
    fc.assert(
      fc.property(echo, ({ key: keyText, text }) => {
        noFormLeft(keyText, Redaction.make(keyText).scrub(text))
      }),
      { numRuns: 1000 }
    )
  })

  for (const form of forms) {
    it(`leaves nothing of a key echoed in the ${form} form, and puts the placeholder in its place`, () => {
      fc.assert(
        fc.property(key.chain((keyText) => echoOf(keyText, form)), ({ key: keyText, text }) => {
          const scrubbed = Redaction.make(keyText).scrub(text)
          expect(scrubbed).toContain(Redaction.placeholder)
          noFormLeft(keyText, scrubbed)
        }),
        { numRuns: 200 }
      )
    })
  }

  it("scrubs the key from JSON.stringify of a text holding it, where '\"' and '\\' are escaped", () => {
    fc.assert(
      fc.property(key, surrounding, surrounding, (keyText, before, after) => {
        const scrubbed = Redaction.make(keyText).scrub(JSON.stringify({ detail: `${before}${keyText}${after}` }))
        noFormLeft(keyText, scrubbed)
      }),
      { numRuns: 300 }
    )
  })

  it("scrubs the forms servers are known to send: PHP's \\/, .NET's \\u002B, lower-case percent escapes", () => {
    const redactor = Redaction.make("sk-live/ab+cd")
    expect(redactor.scrub(`{"detail":"bad key sk-live\\/ab+cd"}`)).toBe(`{"detail":"bad key <redacted>"}`)
    expect(redactor.scrub(`{"detail":"bad key sk-live/ab\\u002Bcd"}`)).toBe(`{"detail":"bad key <redacted>"}`)
    expect(redactor.scrub(`{"detail":"bad key sk\\u002dlive\\u002fab\\u002bcd"}`)).toBe(
      `{"detail":"bad key <redacted>"}`
    )
    expect(redactor.scrub("https://x.test/?k=sk-live%2fab%2Bcd&x=1")).toBe("https://x.test/?k=<redacted>&x=1")
    expect(redactor.scrub("https://x.test/?k=%73%6B%2D%6c%69%76%65%2F%61%62%2B%63%64")).toBe(
      "https://x.test/?k=<redacted>"
    )
  })

  it("replaces every occurrence, in different forms in one text", () => {
    const redactor = Redaction.make("sk-1")
    expect(redactor.scrub("sk-1 sk%2D1 sk\\u002d1 sk-1")).toBe(
      "<redacted> <redacted> <redacted> <redacted>"
    )
  })

  it("returns a text that cannot hold the key unchanged", () => {
    // Every form of a character starts with the character itself, a backslash or a percent sign, so a
    // text without the key's first character, "\" and "%" cannot hold the key in any form.
    const case_ = key.chain((keyText) => {
      const first = Array.from(keyText)[0]!
      const unit = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)).filter((char) =>
        char !== first && char !== "\\" && char !== "%"
      )
      return fc.tuple(fc.constant(keyText), fc.string({ unit, maxLength: 200 }))
    })
    fc.assert(
      fc.property(case_, ([keyText, text]) => {
        const redactor = Redaction.make(keyText)
        expect(redactor.scrub(text)).toBe(text)
        expect(redactor.contains(text)).toBe(false)
      }),
      { numRuns: 300 }
    )
  })

  it("does not redact a key with its last character missing", () => {
    fc.assert(
      fc.property(
        fc.array(keyChar, { minLength: 2, maxLength: 24 }).map((chars) => chars.join("")),
        (keyText) => {
          const prefix = Array.from(keyText).slice(0, -1).join("")
          const redactor = Redaction.make(keyText)
          expect(redactor.contains(prefix)).toBe(false)
          expect(redactor.scrub(prefix)).toBe(prefix)
        }
      ),
      { numRuns: 200 }
    )
  })

  it("treats the key's regex syntax characters literally", () => {
    const redactor = Redaction.make("a.b*c")
    expect(redactor.contains("aXbbbc")).toBe(false)
    expect(redactor.contains("a.b*c")).toBe(true)
  })
})

describe("Redaction.make(key).contains", () => {
  it("is true for every form of the key, in any text", () => {
    fc.assert(
      fc.property(echo, ({ key: keyText, text }) => {
        expect(Redaction.make(keyText).contains(text)).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })

  it("gives the same answer on repeated calls (no regex lastIndex carried over)", () => {
    const redactor = Redaction.make("sk-1")
    expect([1, 2, 3].map(() => redactor.contains("x sk-1 y"))).toEqual([true, true, true])
    expect(redactor.scrub("sk-1")).toBe(Redaction.placeholder)
    expect(redactor.contains("sk-1")).toBe(true)
  })
})

type Tree = string | number | boolean | null | undefined | ReadonlyArray<Tree> | { readonly [k: string]: Tree }

describe("Redaction.make(key).record", () => {
  const tree = (leaf: fc.Arbitrary<Tree>): fc.Arbitrary<Tree> =>
    fc.letrec<{ node: Tree }>((tie) => ({
      node: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie("node"), { maxKeys: 4 })
      )
    })).node

  const sameShape = (before: Tree, after: Tree, keyText: string): void => {
    if (typeof before === "string") {
      expect(typeof after).toBe("string")
      noFormLeft(keyText, after as string)
    } else if (Array.isArray(before)) {
      expect(Array.isArray(after)).toBe(true)
      const items = after as ReadonlyArray<Tree>
      expect(items.length).toBe(before.length)
      before.forEach((item: Tree, i: number) => sameShape(item, items[i], keyText))
    } else if (typeof before === "object" && before !== null) {
      const fields = after as { readonly [k: string]: Tree }
      expect(Object.keys(fields)).toEqual(Object.keys(before))
      for (const name of Object.keys(before)) sameShape((before as Record<string, Tree>)[name], fields[name], keyText)
    } else {
      expect(after).toBe(before)
    }
  }

  it("scrubs every string in nested arrays and objects and keeps every other value", () => {
    const case_ = key.chain((keyText) =>
      fc.tuple(
        fc.constant(keyText),
        tree(fc.oneof(
          echoOf(keyText).map((e): Tree => e.text),
          fc.string(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.constant(undefined)
        ))
      )
    )
    fc.assert(
      fc.property(case_, ([keyText, value]) => {
        const snapshot = structuredClone(value)
        sameShape(value, Redaction.make(keyText).record(value), keyText)
        // The input is not modified.
        expect(value).toEqual(snapshot)
      }),
      { numRuns: 300 }
    )
  })

  it("keeps instances of classes (a Date, a Map, an Error) as they are, by reference", () => {
    const redactor = Redaction.make("sk-1")
    const date = new Date(0)
    const map = new Map([["k", "sk-1"]])
    const error = new Error("sk-1")
    const out = redactor.record({ date, map, error, text: "sk-1" })
    expect(out.date).toBe(date)
    expect(out.map).toBe(map)
    expect(out.error).toBe(error)
    expect(out.text).toBe(Redaction.placeholder)
  })

  it("scrubs a prototype-less object's strings", () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { message: "bad key sk-1" })
    expect(Redaction.make("sk-1").record(value)).toEqual({ message: "bad key <redacted>" })
  })

  it("scrubs a string given on its own", () => {
    expect(Redaction.make("sk-1").record("sk%2D1")).toBe(Redaction.placeholder)
  })
})

describe("Redaction.make(\"\")", () => {
  it("matches nothing: scrub and record return their input, contains is false", () => {
    const redactor = Redaction.make("")
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(redactor.scrub(text)).toBe(text)
        expect(redactor.contains(text)).toBe(false)
        const value = { text, list: [text] }
        expect(redactor.record(value)).toBe(value)
      }),
      { numRuns: 100 }
    )
  })
})
