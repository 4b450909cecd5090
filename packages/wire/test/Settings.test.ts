import { Duration, FastCheck as fc } from "effect"
import { describe, expect, it } from "vitest"
import { Settings } from "../src/index.ts"

const sources: ReadonlyArray<Settings.Source> = ["option", "env", "flag"]
const source = fc.constantFrom(...sources)

const invalid = <A>(checked: Settings.Checked<A>) => {
  if (checked._tag !== "Invalid") throw new Error(`expected Invalid, got ${JSON.stringify(checked)}`)
  return checked
}
const valid = <A>(checked: Settings.Checked<A>): A => {
  if (checked._tag !== "Valid") throw new Error(`expected Valid, got ${checked.message}`)
  return checked.value
}

describe("Settings.names", () => {
  it("names each setting as a layer option, a LYZR_* variable and a CLI flag", () => {
    expect(Settings.nameOf("apiKey", "option")).toBe("apiKey")
    expect(Settings.nameOf("apiKey", "env")).toBe("LYZR_API_KEY")
    expect(Settings.nameOf("apiKey", "flag")).toBe("--api-key")
    expect(Settings.nameOf("baseUrl", "env")).toBe("LYZR_BASE_URL")
    expect(Settings.nameOf("timeout", "flag")).toBe("--timeout")
    expect(Settings.nameOf("maxRetries", "env")).toBe("LYZR_MAX_RETRIES")
    expect(Settings.nameOf("allowInsecureHttp", "flag")).toBe("--allow-insecure-http")
  })

  it("lists the LYZR_* variables in a fixed order: key, base URL, timeout, retries, insecure http", () => {
    expect(Settings.envNames).toEqual([
      "LYZR_API_KEY",
      "LYZR_BASE_URL",
      "LYZR_TIMEOUT",
      "LYZR_MAX_RETRIES",
      "LYZR_ALLOW_INSECURE_HTTP"
    ])
  })

  it("gives every variable a LYZR_ name and every flag a -- name, and each is used once", () => {
    const settings = Object.keys(Settings.names) as ReadonlyArray<Settings.Setting>
    const variables = Settings.envNames
    const flags = settings.map((s) => Settings.names[s].flag).filter((f) => f.startsWith("--"))
    expect(variables.every((name) => /^LYZR_[A-Z_]+$/.test(name))).toBe(true)
    expect(new Set(variables).size).toBe(variables.length)
    expect(new Set(flags).size).toBe(flags.length)
    expect(flags.length).toBe(variables.length)
  })

  it("says how to allow plain http in the user's terms", () => {
    expect(Settings.allowInsecureHint("option")).toContain("allowInsecureHttp: true")
    expect(Settings.allowInsecureHint("env")).toContain("LYZR_ALLOW_INSECURE_HTTP=true")
    expect(Settings.allowInsecureHint("flag")).toContain("--allow-insecure-http")
  })

  it("defaults to the production origin, over https", () => {
    expect(Settings.defaults.baseUrl).toBe(Settings.productionBaseUrl)
    expect(valid(Settings.checkBaseUrl(Settings.defaults.baseUrl, false, "option")).protocol).toBe("https:")
    expect(valid(Settings.checkBaseUrl(Settings.devBaseUrl, false, "option")).protocol).toBe("https:")
  })
})

describe("Settings.checkApiKey", () => {
  it("refuses undefined and null with a message naming the setting as the user set it", () => {
    for (const s of sources) {
      for (const missing of [undefined, null]) {
        const result = invalid(Settings.checkApiKey(missing, s))
        expect(result.setting).toBe("apiKey")
        expect(result.name).toBe(Settings.nameOf("apiKey", s))
        expect(result.message.startsWith(`${Settings.nameOf("apiKey", s)}: `)).toBe(true)
      }
    }
    expect(invalid(Settings.checkApiKey(undefined, "env")).message).toBe("LYZR_API_KEY: is not set")
    expect(invalid(Settings.checkApiKey(undefined, "option")).message).toContain("is undefined")
    expect(invalid(Settings.checkApiKey(null, "option")).message).toContain("is null")
  })

  it("refuses a value that is not a string, naming its type", () => {
    expect(invalid(Settings.checkApiKey(42, "option")).message).toBe("apiKey: must be a string, got number")
    expect(invalid(Settings.checkApiKey({ key: "sk" }, "option")).message).toContain("got object")
    expect(invalid(Settings.checkApiKey(Symbol("sk"), "flag")).message).toContain("got symbol")
  })

  it("refuses an empty key", () => {
    expect(invalid(Settings.checkApiKey("", "env")).message).toBe("LYZR_API_KEY: the API key is empty")
  })

  it("refuses a key with a CR or an LF, which would split the header", () => {
    expect(invalid(Settings.checkApiKey("sk-1\rx", "option")).message).toContain("line break")
    expect(invalid(Settings.checkApiKey("sk-1\nx: y", "option")).message).toContain("line break")
    expect(invalid(Settings.checkApiKey("sk-1\r\n", "flag")).name).toBe("--api-key")
  })

  it("refuses a key with characters a header value cannot carry (controls, DEL, non-ASCII)", () => {
    for (const bad of ["sk\u0000", "sk\u0007x", "sk\u007f", "skü", "sk😀", "sk\u2028"]) {
      expect(invalid(Settings.checkApiKey(bad, "option")).message).toContain("not allowed in an HTTP header")
    }
  })

  it("accepts any non-empty key of printable ASCII, spaces and tabs, and returns it as is", () => {
    const headerChar = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      fc.constant("\t")
    )
    fc.assert(
      fc.property(fc.string({ unit: headerChar, minLength: 1, maxLength: 64 }), source, (key, s) => {
        expect(Settings.checkApiKey(key, s)).toEqual({ _tag: "Valid", value: key })
      }),
      { numRuns: 200 }
    )
  })

  it("never puts the key in its message", () => {
    const bad = fc.tuple(
      fc.string({ minLength: 8, maxLength: 40 }),
      fc.constantFrom("\r", "\n", "\u0000", "é", "\u007f", "😀", "\u0085")
    ).map(([text, char]) => `sk-${text}${char}${text}`)
    fc.assert(
      fc.property(bad, source, (key, s) => {
        const result = invalid(Settings.checkApiKey(key, s))
        expect(result.message).not.toContain(key)
        expect(result.message).not.toContain(key.slice(0, 11))
      }),
      { numRuns: 200 }
    )
  })
})

describe("Settings.checkBaseUrl", () => {
  it("accepts https and returns the parsed URL", () => {
    const url = valid(Settings.checkBaseUrl("https://api.example.com/prefix", false, "option"))
    expect(url.href).toBe("https://api.example.com/prefix")
  })

  it("accepts a URL object and does not modify it", () => {
    const input = new URL("https://api.example.com/?debug=1#top")
    const url = valid(Settings.checkBaseUrl(input, false, "option"))
    expect(url.href).toBe("https://api.example.com/")
    expect(input.href).toBe("https://api.example.com/?debug=1#top")
  })

  it("drops the query and the fragment", () => {
    const url = valid(Settings.checkBaseUrl("https://api.example.com/v?token=abc#frag", false, "env"))
    expect(url.search).toBe("")
    expect(url.hash).toBe("")
    expect(url.href).toBe("https://api.example.com/v")
  })

  it("refuses schemes other than http and https, naming the scheme", () => {
    for (const input of ["ftp://x.test", "ws://x.test", "file:///etc/passwd", "javascript:alert(1)", "data:,x"]) {
      const result = invalid(Settings.checkBaseUrl(input, true, "option"))
      expect(result.message).toContain(`got ${new URL(input).protocol}`)
      expect(result.name).toBe("baseUrl")
    }
  })

  it("refuses credentials in the URL without repeating them", () => {
    for (const input of ["https://user:hunter2@x.test", "https://user@x.test", "https://:hunter2@x.test"]) {
      const result = invalid(Settings.checkBaseUrl(input, false, "env"))
      expect(result.message).toBe("LYZR_BASE_URL: must not contain credentials")
      expect(result.message).not.toContain("hunter2")
    }
  })

  it("refuses text that is not a URL, quoting it shortened", () => {
    expect(invalid(Settings.checkBaseUrl("not a url", false, "flag")).message).toBe(
      "--base-url: \"not a url\" is not a valid URL"
    )
    const long = invalid(Settings.checkBaseUrl("x".repeat(500), false, "flag")).message
    expect(long.length).toBeLessThan(120)
    expect(long).toContain("…")
  })

  it("refuses a value that is not a string or URL, naming its type", () => {
    expect(invalid(Settings.checkBaseUrl(undefined, false, "option")).message).toBe(
      "baseUrl: must be a URL string, got undefined"
    )
    expect(invalid(Settings.checkBaseUrl(null, false, "option")).message).toContain("got null")
    expect(invalid(Settings.checkBaseUrl(8080, false, "option")).message).toContain("got number")
  })

  it("allows plain http to a loopback host without opting in", () => {
    for (
      const input of [
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://api.localhost",
        "http://127.0.0.1:1",
        "http://127.255.0.9",
        "http://[::1]:3000",
        "http://127.1",
        "http://2130706433"
      ]
    ) {
      expect(Settings.checkBaseUrl(input, false, "option")._tag, input).toBe("Valid")
    }
  })

  it("refuses plain http to any other host, with the hint in the user's terms", () => {
    for (
      const input of [
        "http://api.example.com",
        "http://10.0.0.1",
        "http://localhost.evil.test",
        "http://127.0.0.1.nip.io"
      ]
    ) {
      for (const s of sources) {
        const result = invalid(Settings.checkBaseUrl(input, false, s))
        expect(result.message).toContain(new URL(input).origin)
        expect(result.message).toContain("plain http")
        expect(result.message).toContain(Settings.allowInsecureHint(s))
        expect(result.name).toBe(Settings.nameOf("baseUrl", s))
      }
    }
  })

  it("allows plain http to any host with allowInsecureHttp", () => {
    expect(valid(Settings.checkBaseUrl("http://api.example.com/x?y=1", true, "env")).href).toBe(
      "http://api.example.com/x"
    )
  })

  it("tells loopback hosts apart", () => {
    expect(Settings.isLoopback("localhost")).toBe(true)
    expect(Settings.isLoopback("a.b.localhost")).toBe(true)
    expect(Settings.isLoopback("[::1]")).toBe(true)
    expect(Settings.isLoopback("127.0.0.1")).toBe(true)
    expect(Settings.isLoopback("localhost.example.com")).toBe(false)
    expect(Settings.isLoopback("notlocalhost")).toBe(false)
    expect(Settings.isLoopback("128.0.0.1")).toBe(false)
    expect(Settings.isLoopback("127.0.0.1.example.com")).toBe(false)
    expect(Settings.isLoopback("0.0.0.0")).toBe(false)
  })
})

describe("Settings.parseTimeout", () => {
  const units: ReadonlyArray<[Duration.Unit, number]> = [
    ["nano", 1e-6],
    ["nanos", 1e-6],
    ["micro", 1e-3],
    ["micros", 1e-3],
    ["milli", 1],
    ["millis", 1],
    ["second", 1000],
    ["seconds", 1000],
    ["minute", 60_000],
    ["minutes", 60_000],
    ["hour", 3_600_000],
    ["hours", 3_600_000],
    ["day", 86_400_000],
    ["days", 86_400_000],
    ["week", 604_800_000],
    ["weeks", 604_800_000]
  ]

  it("reads \"n unit\" for every unit Effect's Duration knows, as Effect reads it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.constantFrom(...units), source, (n, [unit], s) => {
        const text = `${n} ${unit}`
        const millis = valid(Settings.parseTimeout(text, s))
        expect(millis).toBe(Duration.toMillis(Duration.decode(text as Duration.DurationInput)))
      }),
      { numRuns: 500 }
    )
  })

  it("reads \"n unit\" as n times the unit's length in milliseconds, fractions included", () => {
    const amount = fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 999 })).map((
      [whole, fraction]
    ) => `${whole}.${String(fraction).padStart(3, "0")}`)
    fc.assert(
      fc.property(amount, fc.constantFrom(...units), (n, [unit, factor]) => {
        expect(valid(Settings.parseTimeout(`${n} ${unit}`, "env"))).toBeCloseTo(Number(n) * factor, 6)
      }),
      { numRuns: 300 }
    )
  })

  it("reads bare digits as milliseconds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(valid(Settings.parseTimeout(String(n), "option"))).toBe(n)
      }),
      { numRuns: 200 }
    )
  })

  it("ignores spaces around the value", () => {
    expect(valid(Settings.parseTimeout("  30 seconds\n", "env"))).toBe(30_000)
    expect(valid(Settings.parseTimeout(" 1500 ", "env"))).toBe(1500)
  })

  it("refuses zero, in any unit", () => {
    for (const text of ["0", "0.0", "0 seconds", "0 millis", "0.000 weeks"]) {
      expect(invalid(Settings.parseTimeout(text, "env")).message).toContain("must be more than 0")
    }
  })

  it("refuses negative values", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom("", " seconds", " millis"), (n, unit) => {
        expect(Settings.parseTimeout(`-${n}${unit}`, "env")._tag).toBe("Invalid")
      }),
      { numRuns: 100 }
    )
  })

  it("refuses what is not milliseconds or a duration, quoting it", () => {
    for (
      const text of [
        "",
        "   ",
        "abc",
        "5s",
        "5 Seconds",
        "5 parsecs",
        "1e3",
        "0x10",
        "30 seconds later",
        "Infinity",
        "NaN"
      ]
    ) {
      const result = invalid(Settings.parseTimeout(text, "flag"))
      expect(result.message).toContain(
        `must be milliseconds or a duration like "30 seconds", got ${JSON.stringify(text.trim())}`
      )
    }
  })

  it("refuses a word that is a property of every object (\"5 constructor\") as an unknown unit", () => {
    expect(invalid(Settings.parseTimeout("5 constructor", "env")).message).toContain(
      "must be milliseconds or a duration"
    )
  })

  it("refuses a number past the float range as too large, not as zero or less", () => {
    const result = invalid(Settings.parseTimeout("9".repeat(400), "env"))
    expect(result.message).toContain("LYZR_TIMEOUT: is too large")
    expect(result.message).not.toContain("more than 0")
  })

  it("refuses random text that is neither", () => {
    const notADuration = fc.string().filter((text) => !/^\s*\d+(\.\d+)?\s*([a-z]+)?\s*$/.test(text))
    fc.assert(
      fc.property(notADuration, source, (text, s) => {
        expect(Settings.parseTimeout(text, s)._tag).toBe("Invalid")
      }),
      { numRuns: 300 }
    )
  })

  it("names the timeout as the user set it", () => {
    for (const s of sources) {
      const result = invalid(Settings.parseTimeout("soon", s))
      expect(result.setting).toBe("timeout")
      expect(result.name).toBe(Settings.nameOf("timeout", s))
      expect(result.message.startsWith(`${Settings.nameOf("timeout", s)}: `)).toBe(true)
    }
  })
})

describe("Settings.checkTimeoutMillis", () => {
  it("accepts a finite number of milliseconds above 0", () => {
    expect(valid(Settings.checkTimeoutMillis(0.5, "option"))).toBe(0.5)
    expect(valid(Settings.checkTimeoutMillis(30_000, "option"))).toBe(30_000)
  })

  it("refuses 0, negatives, NaN and Infinity, naming the setting", () => {
    for (const millis of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const result = invalid(Settings.checkTimeoutMillis(millis, "env"))
      expect(result.message).toBe(`LYZR_TIMEOUT: must be a finite duration of more than 0, got ${millis} ms`)
    }
  })
})

describe("Settings.checkCount", () => {
  it("accepts a whole number at or above the minimum", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 1_000_000 }), (min, extra) => {
        expect(valid(Settings.checkCount("maxRetries", min + extra, min, "option"))).toBe(min + extra)
      }),
      { numRuns: 100 }
    )
  })

  it("refuses a number below the minimum, a fraction, NaN and Infinity", () => {
    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const result = invalid(Settings.checkCount("maxRetries", value, 0, "option"))
      expect(result.message).toBe(`maxRetries: must be a whole number of at least 0, got ${value}`)
    }
  })

  it("refuses what is not a number, describing it without repeating a long text", () => {
    expect(invalid(Settings.checkCount("maxRetries", "3", 0, "env")).message).toBe(
      "LYZR_MAX_RETRIES: must be a whole number of at least 0, got \"3\""
    )
    expect(invalid(Settings.checkCount("maxRetries", null, 0, "flag")).message).toContain("got null")
    expect(invalid(Settings.checkCount("maxRetries", undefined, 0, "flag")).message).toContain("got undefined")
    expect(invalid(Settings.checkCount("maxRetries", true, 0, "flag")).message).toContain("got true")
    expect(invalid(Settings.checkCount("maxRetries", [1], 0, "flag")).message).toContain("got object")
    expect(invalid(Settings.checkCount("maxRetries", "9".repeat(500), 0, "flag")).message.length).toBeLessThan(200)
  })

  it("names the setting as the user set it", () => {
    expect(invalid(Settings.checkCount("maxRetries", -1, 0, "flag")).name).toBe("--max-retries")
    expect(invalid(Settings.checkCount("maxRetries", -1, 0, "env")).name).toBe("LYZR_MAX_RETRIES")
    expect(invalid(Settings.checkCount("maxResponseBytes", 0, 1, "option")).name).toBe("maxResponseBytes")
    expect(invalid(Settings.checkCount("maxRedirects", -1, 0, "option")).setting).toBe("maxRedirects")
  })
})

describe("Settings.readEnv", () => {
  const read = (env: Record<string, unknown>) => Settings.readEnv((name) => env[name])

  it("reads every LYZR_* variable, numbers and booleans as their text", () => {
    expect(valid(read({
      LYZR_API_KEY: "sk-test",
      LYZR_BASE_URL: "http://127.0.0.1:8080",
      LYZR_TIMEOUT: 1500,
      LYZR_MAX_RETRIES: " 3 ",
      LYZR_ALLOW_INSECURE_HTTP: true
    }))).toEqual({
      apiKey: "sk-test",
      baseUrl: "http://127.0.0.1:8080",
      timeoutMillis: 1500,
      maxRetries: 3,
      allowInsecureHttp: true
    })
  })

  it("leaves unset variables undefined and insecure http off", () => {
    expect(valid(read({ LYZR_API_KEY: "sk-test" }))).toEqual({
      apiKey: "sk-test",
      baseUrl: undefined,
      timeoutMillis: undefined,
      maxRetries: undefined,
      allowInsecureHttp: false
    })
  })

  it("reads durations and every boolean word Effect's Config.boolean reads", () => {
    expect(valid(read({ LYZR_API_KEY: "k", LYZR_TIMEOUT: "10 seconds" })).timeoutMillis).toBe(10_000)
    for (
      const [word, value] of [["yes", true], ["ON", true], ["1", true], ["no", false], ["off", false], ["0", false]]
    ) {
      expect(valid(read({ LYZR_API_KEY: "k", LYZR_ALLOW_INSECURE_HTTP: word })).allowInsecureHttp).toBe(value)
    }
  })

  it("names the variable in each refusal, and never quotes the key", () => {
    const key = "sk-secret-\r\n-value"
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{}, "LYZR_API_KEY: is not set"],
      [{ LYZR_API_KEY: key }, "LYZR_API_KEY: the API key contains a line break (CR or LF)"],
      [{ LYZR_API_KEY: "k", LYZR_TIMEOUT: "soon" }, "LYZR_TIMEOUT: must be milliseconds"],
      [{ LYZR_API_KEY: "k", LYZR_MAX_RETRIES: "-1" }, "LYZR_MAX_RETRIES: must be a whole number of at least 0"],
      [{ LYZR_API_KEY: "k", LYZR_MAX_RETRIES: "2.5" }, "LYZR_MAX_RETRIES: must be a whole number of at least 0"],
      [{ LYZR_API_KEY: "k", LYZR_ALLOW_INSECURE_HTTP: "maybe" }, "LYZR_ALLOW_INSECURE_HTTP: must be true or false"]
    ]
    for (const [env, message] of cases) {
      const refused = invalid(read(env))
      expect(refused.message).toContain(message)
      expect(refused.message).not.toContain("sk-secret")
    }
  })

  it("ignores a binding that is neither text, number nor boolean (a KV namespace, a service)", () => {
    expect(invalid(read({ LYZR_API_KEY: { get: () => "k" } })).message).toBe("LYZR_API_KEY: is not set")
  })
})

describe("Settings.envKey", () => {
  // Few characters, the separators among them, so that equal values and near-collisions are common.
  const text = fc.array(fc.constantFrom("a", "1", ":", ";", "u", "\u0000"), { maxLength: 4 }).map((cs) => cs.join(""))
  const value = fc.option(fc.oneof(text, fc.integer({ min: 0, max: 2 }), fc.boolean()), { nil: undefined })
  const env = fc.record({
    LYZR_API_KEY: value,
    LYZR_BASE_URL: value,
    LYZR_TIMEOUT: value,
    LYZR_MAX_RETRIES: value,
    LYZR_ALLOW_INSECURE_HTTP: value
  })

  it("is equal exactly when every LYZR_* value is", () => {
    // b is a with one value replaced: often equal, often one value apart.
    const pair = fc.tuple(env, fc.constantFrom(...Settings.envNames), value).map(([a, name, v]) =>
      [a, { ...a, [name]: v }] as const
    )
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const same = Settings.envNames.every((name) =>
          (a as Record<string, unknown>)[name] === (b as Record<string, unknown>)[name]
        )
        expect(Settings.envKey(a) === Settings.envKey(b)).toBe(same)
      }),
      { numRuns: 2000 }
    )
  })

  it("ignores every other binding", () => {
    expect(Settings.envKey({ LYZR_API_KEY: "k", OTHER: "x" })).toBe(Settings.envKey({ LYZR_API_KEY: "k" }))
  })
})

describe("Settings.sourceOf", () => {
  it("reads the source under sourceKey, and calls anything else the user's own options", () => {
    expect(Settings.sourceOf({ [Settings.sourceKey]: "env" })).toBe("env")
    expect(Settings.sourceOf({ [Settings.sourceKey]: "flag" })).toBe("flag")
    expect(Settings.sourceOf({ [Settings.sourceKey]: "elsewhere" })).toBe("option")
    expect(Settings.sourceOf({})).toBe("option")
  })
})

describe("Settings.envOptions", () => {
  it("gives the read settings as options fields, timeout in milliseconds, marked as read from variables", () => {
    const options = Settings.envOptions({
      apiKey: "sk-test",
      baseUrl: "https://agent-prod.studio.lyzr.ai",
      timeoutMillis: 5000,
      maxRetries: 1,
      allowInsecureHttp: false
    })
    expect(options).toEqual({
      apiKey: "sk-test",
      baseUrl: "https://agent-prod.studio.lyzr.ai",
      timeout: 5000,
      maxRetries: 1,
      allowInsecureHttp: false,
      [Settings.sourceKey]: "env"
    })
    expect(Settings.sourceOf(options)).toBe("env")
  })
})
