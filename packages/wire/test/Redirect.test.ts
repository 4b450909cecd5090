import { FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { type ErrorRecord, Redaction, Redirect } from "../src/index.ts"
import { encodeKey, type Form, key } from "./arbitraries.ts"

const from = new URL("https://api.example.com/v1/agent/a/sessions")
const baseOrigin = "https://api.example.com"
const testKey = "sk-live-0123456789"

const next = (
  headers: Record<string, string>,
  options: {
    readonly redirects?: number
    readonly maxRedirects?: number
    readonly key?: string
    readonly status?: number
  } = {}
) =>
  Redirect.next({
    from,
    status: options.status ?? 302,
    headers,
    baseOrigin,
    redirects: options.redirects ?? 0,
    maxRedirects: options.maxRedirects ?? 5,
    redactor: Redaction.make(options.key ?? testKey)
  })

const refused = (result: URL | ErrorRecord.ErrorRecord): ErrorRecord.ErrorRecord => {
  if (result instanceof URL) throw new Error(`expected a refusal, got ${result.href}`)
  return result
}
const followed = (result: URL | ErrorRecord.ErrorRecord): URL => {
  if (!(result instanceof URL)) throw new Error(`expected a URL, got ${result.message}`)
  return result
}

describe("Redirect.isRedirect", () => {
  it("is true for 301, 302, 303, 307, 308 only", () => {
    const redirects = Array.from({ length: 500 }, (_, i) => i + 100).filter(Redirect.isRedirect)
    expect(redirects).toEqual([301, 302, 303, 307, 308])
  })
})

describe("Redirect.next", () => {
  it("follows a same-origin relative Location, resolved against the URL requested", () => {
    expect(followed(next({ location: "/v1/agent/b/sessions" })).href).toBe(
      "https://api.example.com/v1/agent/b/sessions"
    )
    expect(followed(next({ location: "other?page=2" })).href).toBe("https://api.example.com/v1/agent/a/other?page=2")
  })

  it("follows a same-origin absolute Location", () => {
    expect(followed(next({ location: "https://api.example.com/v2/x" })).href).toBe("https://api.example.com/v2/x")
  })

  it("follows up to maxRedirects and refuses the one after", () => {
    expect(followed(next({ location: "/x" }, { redirects: 4, maxRedirects: 5 })).pathname).toBe("/x")
    const record = refused(next({ location: "/x" }, { redirects: 5, maxRedirects: 5 }))
    expect(record.message).toBe("more than 5 redirects")
    expect(refused(next({ location: "/x" }, { redirects: 0, maxRedirects: 0 })).message).toBe(
      "more than 0 redirects"
    )
  })

  it("refuses another origin (host, scheme or port), naming both origins", () => {
    for (
      const location of [
        "https://evil.example.net/steal",
        "http://api.example.com/v1",
        "https://api.example.com:8443/v1",
        "//evil.example.net/x",
        "https://api.example.com.evil.net/"
      ]
    ) {
      const record = refused(next({ location, "x-request-id": "req_7" }, { status: 307 }))
      const target = new URL(location, from)
      expect(record).toEqual({
        tag: "UnexpectedResponse",
        message:
          `redirected to another origin (${target.origin}); not followed, so the API key stays with ${baseOrigin}`,
        status: 307,
        url: from.href,
        location: target.href,
        requestId: "req_7"
      })
    }
  })

  it("refuses a Location that is not a URL, keeping it as written", () => {
    const record = refused(next({ location: "https://[bad" }))
    expect(record.message).toBe("redirected to an invalid Location")
    expect(record.location).toBe("https://[bad")
  })

  it("refuses a Location holding the key, literal or percent-encoded in full or in part", () => {
    const locations = [
      `/v1/agent/a/sessions?k=${testKey}`,
      `https://api.example.com/${testKey}`,
      `/x?k=${encodeURIComponent(testKey)}`,
      `/x?k=${Array.from(new TextEncoder().encode(testKey), (b) => `%${b.toString(16)}`).join("")}`,
      `/x?k=sk%2Dlive-0123456789`,
      `/x#${testKey}`
    ]
    for (const location of locations) {
      const record = refused(next({ location }))
      expect(record.message, location).toBe("redirected to a URL that contains the API key; not followed")
    }
  })

  it("refuses a Location holding any key, in any percent-encoding, in the path or the query", () => {
    const forms: ReadonlyArray<Form> = ["literal", "percent", "percent-part"]
    const case_ = fc.record({
      key,
      form: fc.constantFrom(...forms),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
      cases: fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }),
      inQuery: fc.boolean()
    })
    fc.assert(
      fc.property(case_, ({ cases, form, inQuery, key: keyText, picks }) => {
        const encoded = encodeKey(keyText, form, picks, cases)
        const location = inQuery ? `/v1/next?token=${encoded}` : `/v1/${encoded}/next`
        const result = next({ location }, { key: keyText })
        // Whatever the URL parser makes of the Location, the key is not requested.
        if (result instanceof URL) expect(Redaction.make(keyText).contains(result.href)).toBe(false)
        expect(result instanceof URL, location).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it("keeps the request id only when the response has one", () => {
    expect(refused(next({ location: "https://evil.example.net/", "cf-ray": "ray_1" })).requestId).toBe("ray_1")
    expect("requestId" in refused(next({ location: "https://evil.example.net/" }))).toBe(false)
  })

  it("refuses a redirect without a Location instead of requesting the same URL again", () => {
    for (const headers of [{}, { location: "" }]) {
      const record = refused(next(headers))
      expect(record.tag).toBe("UnexpectedResponse")
      expect(record.message).toBe("a 302 redirect without a Location header")
      expect("location" in record).toBe(false)
    }
  })

  it("keeps a Location holding the key as sent, so that redaction finds it where the URL parser would mangle it", () => {
    // A JSON-escaped "/" (`\/`): in an http(s) path the parser reads "\" as "/", and the href holds
    // "sk-live//LEAK...", which no redactor can recognise as the key.
    const keyText = "sk-live/LEAK-0123456789"
    const redactor = Redaction.make(keyText)
    for (
      const location of [
        "https://evil.example.net/sk-live\\/LEAK-0123456789/x",
        "/moved/sk-live\\/LEAK-0123456789",
        "/moved/sk-live%2FLEAK-0123456789"
      ]
    ) {
      const record = refused(next({ location }, { key: keyText }))
      expect(record.location, location).toBe(location)
      expect(redactor.record(record).location, location).not.toContain("LEAK-0123456789")
    }
  })

  it("refuses a Location whose key the URL parser would rewrite (a backslash, a tab)", () => {
    // In an http(s) path "\" reads as "/", and tabs are dropped: the href no longer holds the key as
    // sent, but requesting it would still send it to the server.
    expect(refused(next({ location: "/x/sk\\live" }, { key: "sk\\live" })).message).toContain("contains the API key")
    expect(refused(next({ location: "/x/sk\tlive" }, { key: "sk\tlive" })).message).toContain("contains the API key")
  })
})
