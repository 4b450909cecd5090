/**
 * The client's settings: their defaults, their names in each place a user sets them (a layer option,
 * a `LYZR_*` variable, a CLI flag), and the checks that run once, at configuration.
 *
 * @since 0.1.0
 */

/**
 * Where the user set the client up, so that a message names the setting as they wrote it.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const source: Settings.Source = "env"
 * Settings.nameOf("baseUrl", source) // "LYZR_BASE_URL"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Source = "option" | "env" | "flag"

/**
 * The settings every client reads.
 *
 * @example
 * ```ts
 * import type { Settings } from "@lyzr-effect/wire"
 *
 * const setting: Settings.Setting = "timeout"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Setting =
  | "apiKey"
  | "baseUrl"
  | "timeout"
  | "maxRetries"
  | "allowInsecureHttp"
  | "maxResponseBytes"
  | "maxRedirects"

/**
 * Each setting's name as a layer option, a `LYZR_*` variable and a `lyzr-sessions` flag.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.names.apiKey.env // "LYZR_API_KEY"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const names: { readonly [S in Setting]: { readonly [K in Source]: string } } = {
  apiKey: { option: "apiKey", env: "LYZR_API_KEY", flag: "--api-key" },
  baseUrl: { option: "baseUrl", env: "LYZR_BASE_URL", flag: "--base-url" },
  timeout: { option: "timeout", env: "LYZR_TIMEOUT", flag: "--timeout" },
  maxRetries: { option: "maxRetries", env: "LYZR_MAX_RETRIES", flag: "--max-retries" },
  allowInsecureHttp: { option: "allowInsecureHttp", env: "LYZR_ALLOW_INSECURE_HTTP", flag: "--allow-insecure-http" },
  // Options only: no variable or flag sets these.
  maxResponseBytes: { option: "maxResponseBytes", env: "maxResponseBytes", flag: "maxResponseBytes" },
  maxRedirects: { option: "maxRedirects", env: "maxRedirects", flag: "maxRedirects" }
}

/**
 * A setting's name as the user wrote it.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.nameOf("allowInsecureHttp", "flag") // "--allow-insecure-http"
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const nameOf = (setting: Setting, source: Source): string => names[setting][source]

/**
 * How to turn on plain http, in the user's terms.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.allowInsecureHint("env") // "set LYZR_ALLOW_INSECURE_HTTP=true"
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const allowInsecureHint = (source: Source): string =>
  source === "option"
    ? "set allowInsecureHttp: true"
    : source === "env"
    ? "set LYZR_ALLOW_INSECURE_HTTP=true"
    : "pass --allow-insecure-http"

/**
 * The `LYZR_*` variables the clients read, in the order a Deno `--allow-env=` list names them.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const flag = `--allow-env=${Settings.envNames.join(",")}`
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const envNames: ReadonlyArray<string> = [
  names.apiKey.env,
  names.baseUrl.env,
  names.timeout.env,
  names.maxRetries.env,
  names.allowInsecureHttp.env
]

/**
 * Lyzr's production origin, the default base URL.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.productionBaseUrl // "https://agent-prod.studio.lyzr.ai"
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const productionBaseUrl = "https://agent-prod.studio.lyzr.ai"

/**
 * Lyzr's dev/test host, the server the API's documentation names. One option away.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const options = { baseUrl: Settings.devBaseUrl }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const devBaseUrl = "https://agent-dev.test.studio.lyzr.ai"

/**
 * The defaults every client shares. Durations are in milliseconds.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.defaults.timeoutMillis // 30000
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = {
  baseUrl: productionBaseUrl,
  timeoutMillis: 30_000,
  maxRetries: 2,
  maxResponseBytes: 8 * 1024 * 1024,
  maxRedirects: 5,
  initialDelayMillis: 500,
  maxDelayMillis: 8_000,
  maxRetryAfterMillis: 60_000
} as const

/**
 * The result of a check: the value, or what is wrong with it and which setting to change.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const checked = Settings.checkApiKey("", "env")
 * if (checked._tag === "Invalid") console.error(`${checked.name}: ${checked.message}`)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Checked<A> =
  | { readonly _tag: "Valid"; readonly value: A }
  | {
    readonly _tag: "Invalid"
    /** The setting. */
    readonly setting: Setting
    /** Its name as the user wrote it (`apiKey`, `LYZR_API_KEY`, `--api-key`). */
    readonly name: string
    /** What is wrong, naming the setting. */
    readonly message: string
  }

const valid = <A>(value: A): Checked<A> => ({ _tag: "Valid", value })
const invalid = (setting: Setting, source: Source, problem: string): Checked<never> => {
  const name = nameOf(setting, source)
  return { _tag: "Invalid", setting, name, message: `${name}: ${problem}` }
}

/**
 * The key, checked: a non-empty string that can be sent as a header value (CR/LF would split the
 * header). The key itself never appears in the message.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.checkApiKey("sk-1\r\nx: y", "option")._tag // "Invalid"
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const checkApiKey = (key: unknown, source: Source): Checked<string> => {
  if (key === undefined || key === null) {
    return invalid(
      "apiKey",
      source,
      source === "env" ? "is not set" : `is ${key === null ? "null" : "undefined"}; pass the API key as a string`
    )
  }
  if (typeof key !== "string") return invalid("apiKey", source, `must be a string, got ${typeof key}`)
  if (key.length === 0) return invalid("apiKey", source, "the API key is empty")
  if (/[\r\n]/.test(key)) return invalid("apiKey", source, "the API key contains a line break (CR or LF)")
  if (/[^\x20-\x7e\t]/.test(key)) {
    return invalid("apiKey", source, "the API key contains characters that are not allowed in an HTTP header")
  }
  return valid(key)
}

/**
 * Whether a host name is this machine: plain http is allowed there without opting in.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.isLoopback("127.0.0.1") // true
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" ||
  hostname.endsWith(".localhost") ||
  hostname === "[::1]" ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/**
 * The base URL, checked: http(s), no credentials; query and fragment dropped; plain http only to a
 * loopback host unless `allowInsecureHttp`.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const checked = Settings.checkBaseUrl("http://api.example.com", false, "flag")
 * // { _tag: "Invalid", message: "--base-url: http://api.example.com uses plain http, ... pass --allow-insecure-http" }
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const checkBaseUrl = (input: unknown, allowInsecureHttp: boolean, source: Source): Checked<URL> => {
  if (typeof input !== "string" && !(input instanceof URL)) {
    return invalid("baseUrl", source, `must be a URL string, got ${input === null ? "null" : typeof input}`)
  }
  let url: URL
  try {
    url = new URL(input.toString())
  } catch {
    return invalid("baseUrl", source, `${JSON.stringify(shorten(input.toString()))} is not a valid URL`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid("baseUrl", source, `must use https (got ${url.protocol})`)
  }
  if (url.username !== "" || url.password !== "") {
    return invalid("baseUrl", source, "must not contain credentials")
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)) {
    return invalid(
      "baseUrl",
      source,
      `${url.origin} uses plain http, which would send the API key unencrypted; ` +
        `use https, a loopback host, or ${allowInsecureHint(source)}`
    )
  }
  url.search = ""
  url.hash = ""
  return valid(url)
}

const shorten = (text: string): string => (text.length > 80 ? `${text.slice(0, 80)}…` : text)

// Units below a millisecond are divisors (in Effect, `Duration.toMillis` divides nanoseconds by 1e6):
// n * 1e-6 is not n / 1e6 in floating point ("24432293 nanos" would read as 24.432292999999998 ms).
const subMilliUnits: Readonly<Record<string, number>> = {
  nano: 1_000_000,
  nanos: 1_000_000,
  micro: 1000,
  micros: 1000
}

const durationUnits: Readonly<Record<string, number>> = {
  milli: 1,
  millis: 1,
  second: 1000,
  seconds: 1000,
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000
}

/**
 * A timeout as text: milliseconds (`"1500"`) or a duration as Effect writes it (`"30 seconds"`,
 * `"2 minutes"`, `"500 millis"`). Zero and negative values are refused: every attempt would time out.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.parseTimeout("10 seconds", "env") // { _tag: "Valid", value: 10000 }
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const parseTimeout = (text: string, source: Source): Checked<number> => {
  const trimmed = text.trim()
  const match = /^(\d+(?:\.\d+)?)(?:\s*([a-z]+))?$/.exec(trimmed)
  const unit = match?.[2]
  // Own keys only: "5 constructor" must not find Object.prototype.constructor.
  const divisor = unit !== undefined && Object.hasOwn(subMilliUnits, unit) ? subMilliUnits[unit] : undefined
  const factor = unit === undefined || divisor !== undefined
    ? 1
    : Object.hasOwn(durationUnits, unit)
    ? durationUnits[unit]
    : undefined
  if (match === null || factor === undefined) {
    return invalid(
      "timeout",
      source,
      `must be milliseconds or a duration like "30 seconds", got ${JSON.stringify(shorten(trimmed))}`
    )
  }
  const millis = divisor === undefined ? Number(match[1]) * factor : Number(match[1]) / divisor
  if (!Number.isFinite(millis)) {
    return invalid("timeout", source, `is too large, got ${JSON.stringify(shorten(trimmed))}`)
  }
  if (!(millis > 0)) {
    return invalid("timeout", source, `must be more than 0, got ${JSON.stringify(shorten(trimmed))}`)
  }
  return valid(millis)
}

/**
 * A timeout given as a number of milliseconds, checked.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.checkTimeoutMillis(Number.NaN, "option")._tag // "Invalid"
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const checkTimeoutMillis = (millis: number, source: Source): Checked<number> =>
  millis > 0 && Number.isFinite(millis)
    ? valid(millis)
    : invalid("timeout", source, `must be a finite duration of more than 0, got ${String(millis)} ms`)

/**
 * A count setting (retries, bytes), checked: a whole number of at least `min`.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.checkCount("maxRetries", -1, 0, "option")._tag // "Invalid"
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const checkCount = (setting: Setting, value: unknown, min: number, source: Source): Checked<number> =>
  typeof value === "number" && Number.isInteger(value) && value >= min
    ? valid(value)
    : invalid(setting, source, `must be a whole number of at least ${min}, got ${describeValue(value)}`)

const describeValue = (value: unknown): string =>
  typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : typeof value === "string"
    ? JSON.stringify(shorten(value))
    : value === null
    ? "null"
    : typeof value

/**
 * The key under which a client's options may say where they came from (`"env"` when read from `LYZR_*`
 * variables, `"flag"` from `lyzr-sessions` flags), so that the cores' messages name the variable or the
 * flag instead of the option. Options without it are the user's own options. A registered symbol: both
 * Effect lines and every copy of this package read the same one.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * // options built from CLI flags: a bad base URL is reported as `--base-url: ...`
 * const options = { apiKey: "sk-test", baseUrl: "ftp://example.com", [Settings.sourceKey]: "flag" as const }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const sourceKey: unique symbol = Symbol.for("@lyzr-effect/wire/Settings/source")

/**
 * The source recorded under {@link sourceKey} in a set of options; `"option"` when there is none.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.sourceOf({ apiKey: "sk-test" }) // "option"
 * Settings.sourceOf({ apiKey: "sk-test", [Settings.sourceKey]: "env" }) // "env"
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const sourceOf = (options: object): Source => {
  const source = (options as { readonly [sourceKey]?: unknown })[sourceKey]
  return source === "env" || source === "flag" ? source : "option"
}

/**
 * The settings read from `LYZR_*` values, checked where a value alone can be checked (the base URL is
 * checked by the client, with `allowInsecureHttp`). `undefined` where the variable is not set.
 *
 * @example
 * ```ts
 * import type { Settings } from "@lyzr-effect/wire"
 *
 * const read: Settings.EnvSettings = {
 *   apiKey: "sk-test",
 *   baseUrl: undefined,
 *   timeoutMillis: 10_000,
 *   maxRetries: undefined,
 *   allowInsecureHttp: false
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EnvSettings {
  readonly apiKey: string
  readonly baseUrl: string | undefined
  readonly timeoutMillis: number | undefined
  readonly maxRetries: number | undefined
  readonly allowInsecureHttp: boolean
}

const booleanWords: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  on: true,
  "1": true,
  false: false,
  no: false,
  off: false,
  "0": false
}

/** A variable's value as text: strings as they are, numbers and booleans (Workers `[vars]`) as written. */
const envText = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined

/**
 * Reads the `LYZR_*` variables through `lookup` (a Worker's `env` bindings, `Deno.env.get`, a map)
 * without Effect `Config`: the key is required, the timeout is milliseconds or a duration, retries a
 * whole number of at least 0, `LYZR_ALLOW_INSECURE_HTTP` one of true/false, yes/no, on/off, 1/0 (as
 * Effect's `Config.boolean` reads it, also in capitals). Surrounding spaces are ignored; numbers and
 * booleans are read as their text. Messages name the variables; none contains the key.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const env: Record<string, string> = { LYZR_API_KEY: "sk-test", LYZR_TIMEOUT: "10 seconds" }
 * const read = Settings.readEnv((name) => env[name])
 * // { _tag: "Valid", value: { apiKey: "sk-test", timeoutMillis: 10000, ... } }
 * ```
 *
 * @since 0.1.0
 * @category checks
 */
export const readEnv = (lookup: (name: string) => unknown): Checked<EnvSettings> => {
  const key = checkApiKey(envText(lookup(names.apiKey.env)), "env")
  if (key._tag === "Invalid") return key
  const baseUrl = envText(lookup(names.baseUrl.env))
  let timeoutMillis: number | undefined
  const timeout = envText(lookup(names.timeout.env))
  if (timeout !== undefined) {
    const checked = parseTimeout(timeout, "env")
    if (checked._tag === "Invalid") return checked
    timeoutMillis = checked.value
  }
  let maxRetries: number | undefined
  const retries = envText(lookup(names.maxRetries.env))
  if (retries !== undefined) {
    const trimmed = retries.trim()
    const checked = checkCount("maxRetries", /^\d+$/.test(trimmed) ? Number(trimmed) : retries, 0, "env")
    if (checked._tag === "Invalid") return checked
    maxRetries = checked.value
  }
  let allowInsecureHttp = false
  const insecure = envText(lookup(names.allowInsecureHttp.env))
  if (insecure !== undefined) {
    const word = insecure.trim().toLowerCase()
    if (!Object.hasOwn(booleanWords, word)) {
      return invalid(
        "allowInsecureHttp",
        "env",
        `must be true or false (or yes/no, on/off, 1/0), got ${JSON.stringify(shorten(insecure))}`
      )
    }
    allowInsecureHttp = booleanWords[word]!
  }
  return valid({ apiKey: key.value, baseUrl, timeoutMillis, maxRetries, allowInsecureHttp })
}

/**
 * {@link EnvSettings} as the fields of a client's options (`timeout` in milliseconds), marked with
 * {@link sourceKey} as read from variables, so that every later message names the variable. The key
 * is still plain text: wrap it (`Redacted.make`) before it goes anywhere else.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * const read = Settings.readEnv((name) => ({ LYZR_API_KEY: "sk-test", LYZR_TIMEOUT: "5000" } as Record<string, string>)[name])
 * if (read._tag === "Valid") Settings.envOptions(read.value).timeout // 5000
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const envOptions = (settings: EnvSettings): {
  readonly apiKey: string
  readonly baseUrl: string | undefined
  readonly timeout: number | undefined
  readonly maxRetries: number | undefined
  readonly allowInsecureHttp: boolean
  readonly [sourceKey]: "env"
} => ({
  apiKey: settings.apiKey,
  baseUrl: settings.baseUrl,
  timeout: settings.timeoutMillis,
  maxRetries: settings.maxRetries,
  allowInsecureHttp: settings.allowInsecureHttp,
  [sourceKey]: "env"
})

/**
 * The `LYZR_*` values of `env` as one string: equal strings for equal settings, so a cache of what was
 * built from them sees a rotated secret at once. It holds the key: keep it in memory, never print it.
 *
 * @example
 * ```ts
 * import { Settings } from "@lyzr-effect/wire"
 *
 * Settings.envKey({ LYZR_API_KEY: "a" }) === Settings.envKey({ LYZR_API_KEY: "b" }) // false
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const envKey = (env: object): string => {
  let out = ""
  for (const name of envNames) {
    const value: unknown = (env as Record<string, unknown>)[name]
    // Each value with its type and length, so no two sets of values give the same string (a value
    // cannot pass for the next one); 5000 and "5000" read alike, but nothing is lost by telling them apart.
    const text = String(value)
    out += value === undefined ? "u;" : `${typeof value}:${text.length}:${text};`
  }
  return out
}
