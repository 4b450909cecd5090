/**
 * What a runner observed, and the one check of it against a scenario. Runners map their line's values to
 * these plain records (Durations to milliseconds, a session to its wire fields); `verify` lists every
 * difference, and the invariants every scenario keeps: no request to another origin, the key on every
 * request and in nothing the client reports.
 */
import { type Context, key as suiteKey, keyForm, keyForms, render } from "./fixtures.ts"
import type { ErrorExpect, Includes, Scenario } from "./Scenario.ts"

/** Where a scenario ran. */
export type Mode = "in-process" | "socket"

/** A tagged error as plain data. Absent fields are `undefined`. */
export interface ObservedError {
  readonly _tag: string
  readonly message: string
  readonly status?: number | undefined
  readonly code?: string | undefined
  readonly requestId?: string | undefined
  readonly body?: string | undefined
  readonly url?: string | undefined
  readonly retryAfterMillis?: number | undefined
  readonly location?: string | undefined
  readonly transient?: boolean | undefined
  readonly timeoutMillis?: number | undefined
  readonly detail?: unknown
}

/** How the call ended. */
export type Outcome =
  | { readonly _tag: "value"; readonly value: unknown }
  | { readonly _tag: "error"; readonly error: ObservedError }
  /** The layer failed to build: its error as text. */
  | { readonly _tag: "refused"; readonly text: string }
  /** A defect or interruption: never acceptable. */
  | { readonly _tag: "defect"; readonly text: string }

/** One request a server received. */
export interface ObservedRequest {
  /** `base`: the configured origin (the script); `other`: any other origin. */
  readonly origin: "base" | "other"
  readonly method: string
  /** Path and query. */
  readonly path: string
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** Milliseconds after the call started. */
  readonly at: number
}

/** One span the tracer recorded. */
export interface ObservedSpan {
  readonly name: string
  readonly attributes: Readonly<Record<string, unknown>>
}

/** Everything a runner saw of one call. */
export interface Observed {
  readonly outcome: Outcome
  readonly requests: ReadonlyArray<ObservedRequest>
  /** Milliseconds from the call's start to its end. */
  readonly elapsed: number
  readonly spans: ReadonlyArray<ObservedSpan>
  /** Every text the client produced that a user could see: error renderings, the Cause, log lines. */
  readonly texts: ReadonlyArray<string>
  /** Whether the server saw the client stop reading a body before its end. */
  readonly bodyAbandoned: boolean
}

/** How far above its window a time may be over real sockets (a loaded machine is slow, never early). */
export const socketSlackMillis = 2000

const show = (value: unknown): string => (value === undefined ? "absent" : JSON.stringify(value))

const asList = (includes: Includes): ReadonlyArray<string> => (typeof includes === "string" ? [includes] : includes)

/** Deep equality of plain data; a key whose value is `undefined` counts as absent. */
export const sameData = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameData(item, b[i]))
  const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined)
  const ea = defined(a)
  const eb = new Map(defined(b))
  return ea.length === eb.size && ea.every(([k, v]) => eb.has(k) && sameData(v, eb.get(k)))
}

/** Every way the key could show: each form, and its first ten characters (a part left behind by a cut). */
export const leakNeedles = (key: string): ReadonlyArray<string> =>
  key.length < 8 ? [] : [...new Set([...keyForms.map((form) => keyForm(key, form)), key.slice(0, 10)])]

/** The key a scenario configures, if any. */
export const keyOf = (scenario: Scenario, context: Context): string | undefined => {
  if (scenario.env !== undefined) {
    const fromEnv = scenario.env["LYZR_API_KEY"]
    return fromEnv === null ? undefined : fromEnv === undefined ? context.key : render(fromEnv, context)
  }
  const option = scenario.options?.apiKey
  return option === null ? undefined : option === undefined ? context.key : render(option, context)
}

const checkError = (expected: ErrorExpect, actual: ObservedError, context: Context, problems: Array<string>) => {
  const field = (name: string, want: unknown, got: unknown) => {
    if (want === undefined) return
    const wanted = want === null ? undefined : typeof want === "string" ? render(want, context) : want
    if (!sameData(wanted, got)) problems.push(`error.${name}: expected ${show(wanted)}, got ${show(got)}`)
  }
  const includes = (name: string, want: Includes | null | undefined, got: string | undefined) => {
    if (want === undefined) return
    if (want === null) {
      if (got !== undefined) problems.push(`error.${name}: expected absent, got ${show(got)}`)
      return
    }
    for (const part of asList(want).map((p) => render(p, context))) {
      if (got === undefined || !got.includes(part)) {
        problems.push(`error.${name}: expected to include ${show(part)}, got ${show(got)}`)
      }
    }
  }
  field("_tag", expected._tag, actual._tag)
  field("status", expected.status, actual.status)
  field("code", expected.code, actual.code)
  includes("message", expected.message, actual.message)
  for (const part of expected.messageNot === undefined ? [] : asList(expected.messageNot)) {
    if (actual.message.includes(part)) {
      problems.push(`error.message: expected not to include ${show(part)}, got ${show(actual.message)}`)
    }
  }
  field("requestId", expected.requestId, actual.requestId)
  includes("body", expected.body, actual.body)
  if (expected.bodyLength !== undefined && actual.body?.length !== expected.bodyLength) {
    problems.push(`error.body: expected ${expected.bodyLength} characters, got ${actual.body?.length ?? "absent"}`)
  }
  if (expected.urlPath !== undefined) {
    const url = actual.url === undefined ? undefined : new URL(actual.url)
    field("url (path)", expected.urlPath, url === undefined ? undefined : url.pathname + url.search)
  }
  field("retryAfterMillis", expected.retryAfterMillis, actual.retryAfterMillis)
  field("location", expected.location, actual.location)
  includes("location", expected.locationIncludes, actual.location)
  if (expected.transient !== undefined && (actual.transient !== false) !== expected.transient) {
    problems.push(`error.transient: expected ${expected.transient}, got ${show(actual.transient)}`)
  }
  field("timeoutMillis", expected.timeoutMillis, actual.timeoutMillis)
  field("detail", expected.detail, actual.detail)
}

/**
 * Every difference between what the scenario expects and what was observed, plus the invariants. An empty
 * list means the scenario holds in this mode.
 */
export const verify = (scenario: Scenario, observed: Observed, mode: Mode, context: Context): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const { expect } = scenario
  const { outcome } = observed
  const within = (what: string, value: number, [lo, hi]: readonly [number, number]) => {
    const timed = mode === "in-process" || scenario.modes?.socketTiming === undefined
    if (!timed) return
    const ok = mode === "in-process" ? value >= lo && value <= hi : value >= lo - 2 && value <= hi + socketSlackMillis
    if (!ok) problems.push(`${what}: expected within [${lo}, ${hi}] ms, got ${value} ms`)
  }

  // The outcome.
  if (outcome._tag === "defect") problems.push(`ended with a defect or interruption: ${outcome.text}`)
  if (expect.value !== undefined) {
    if (outcome._tag !== "value") problems.push(`expected a value, got ${show(outcome)}`)
    else if (!sameData(expect.value, outcome.value)) {
      problems.push(`value: expected ${show(expect.value)}, got ${show(outcome.value)}`)
    }
  }
  if (expect.error !== undefined) {
    if (outcome._tag !== "error") problems.push(`expected error ${expect.error._tag}, got ${show(outcome)}`)
    else checkError(expect.error, outcome.error, context, problems)
  }
  if (expect.refused !== undefined) {
    if (outcome._tag !== "refused") problems.push(`expected the layer to refuse the options, got ${show(outcome)}`)
    else {
      for (const part of [expect.refused.names, ...asList(expect.refused.message ?? [])]) {
        if (!outcome.text.includes(part)) {
          problems.push(`refusal: expected to include ${show(part)}, got ${show(outcome.text)}`)
        }
      }
    }
  }

  // The requests.
  const sent = observed.requests.filter((r) => r.origin === "base")
  const strays = observed.requests.filter((r) => r.origin === "other")
  if (strays.length > 0) problems.push(`requests reached another origin: ${show(strays.map((r) => r.path))}`)
  const configuredKey = keyOf(scenario, context)
  sent.forEach((request, i) => {
    if (request.method !== "GET") problems.push(`request ${i + 1}: method ${request.method}, expected GET`)
    if (configuredKey !== undefined && request.headers["x-api-key"] !== configuredKey) {
      problems.push(`request ${i + 1}: x-api-key is not the configured key`)
    }
  })
  if (expect.requests !== undefined) {
    const { at, count, headers, paths } = expect.requests
    if (sent.length !== count) {
      problems.push(`requests: expected ${count}, got ${sent.length} (${show(sent.map((r) => r.path))})`)
    }
    if (paths !== undefined && !sameData(paths.map((p) => render(p, context)), sent.map((r) => r.path))) {
      problems.push(`request paths: expected ${show(paths)}, got ${show(sent.map((r) => r.path))}`)
    }
    at?.forEach((window, i) => {
      const request = sent[i]
      if (request !== undefined) within(`request ${i + 1} arrived`, request.at, window)
    })
    for (const [name, value] of Object.entries(headers ?? {})) {
      sent.forEach((request, i) => {
        const got = request.headers[name]
        const want = value === null ? undefined : render(value, context)
        if (got !== want) {
          problems.push(
            `request ${i + 1} header ${name}: expected ${name === "x-api-key" ? "the key" : show(want)}, got ${
              name === "x-api-key" ? (got === undefined ? "absent" : "another value") : show(got)
            }`
          )
        }
      })
    }
  }
  if (expect.elapsedMillis !== undefined) within("the call ended", observed.elapsed, expect.elapsedMillis)
  if (expect.bodyAbandoned !== undefined && observed.bodyAbandoned !== expect.bodyAbandoned) {
    problems.push(`body abandoned: expected ${expect.bodyAbandoned}, got ${observed.bodyAbandoned}`)
  }

  // The span: one per call, the call's own (no client span of the platform beside it).
  const spanName = "list" in scenario.call ? "AgentSessions.list" : "AgentSessions.get"
  if (
    (outcome._tag === "value" || outcome._tag === "error") &&
    (observed.spans.length !== 1 || observed.spans[0]!.name !== spanName)
  ) {
    problems.push(`spans: expected one ${spanName}, got ${show(observed.spans.map((s) => s.name))}`)
  }
  if (expect.span !== undefined) {
    const { attributes, name } = expect.span
    if (name !== spanName) problems.push(`the scenario expects span ${name} of a call whose span is ${spanName}`)
    const span = observed.spans.find((s) => s.name === name)
    for (const [attribute, value] of Object.entries(attributes ?? {})) {
      const got = span?.attributes[attribute]
      const want = value === null ? undefined : typeof value === "string" ? render(value, context) : value
      if (!sameData(want, got)) problems.push(`span attribute ${attribute}: expected ${show(want)}, got ${show(got)}`)
    }
  }

  // The key appears nowhere: not in what the client reported, nor in a span.
  const needles = [
    ...new Set([...leakNeedles(suiteKey), ...(configuredKey === undefined ? [] : leakNeedles(configuredKey))])
  ]
  const haystacks = [
    ...observed.texts.map((text, i) => [`text ${i + 1}`, text] as const),
    ...(outcome._tag === "refused" || outcome._tag === "defect" ? [["outcome", outcome.text] as const] : []),
    ...(outcome._tag === "error" ? [["error fields", JSON.stringify(outcome.error)] as const] : []),
    ...observed.spans.map((span) => [`span ${span.name}`, JSON.stringify(span.attributes)] as const)
  ]
  for (const [where, text] of haystacks) {
    for (const needle of needles) {
      if (text.includes(needle)) {
        problems.push(`the key (as ${show(needle)}) appears in ${where}: ${text.slice(0, 300)}`)
      }
    }
  }
  return problems
}
