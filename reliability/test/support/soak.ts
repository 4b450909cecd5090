/**
 * The fault soak, shared by the Node, Deno and workerd runs: the emulator's data (one agent per call,
 * so each call's attempts are found in the request log by its agent ID), the fault mix, and the
 * verdict that derives each call's expected outcome from the log and compares it with what the call
 * returned.
 *
 * Every run serves the emulator with `serveNode` in the vitest process, so the faults are real socket
 * faults (a destroyed socket, a silent one, a cut body) whichever runtime makes the calls.
 */
import { Emulator } from "@lyzr-effect/emulator"
import { attemptOf } from "./attempts.ts"
import { echoForms } from "./echo.ts"

/** With `/` and `+`, which have forms of their own (`\/` in JSON, `%2F`, `%2B`). */
export const soakKey = "sk-soak/LEAKCANARY+5b1e0c9d2a7f4e36"

export const agentOf = (i: number) => `agt_soak_${i}`
export const sessionOf = (i: number) => `ase_soak_${i}`

/** Even calls list, odd calls get. */
export const kindOf = (i: number): "list" | "get" => (i % 2 === 0 ? "list" : "get")

/** One agent with one session per call, and the soak key reading every agent. */
export const soakFixture = (calls: number): Emulator.Fixture => {
  const agents: Record<string, Emulator.FixtureAgent> = {}
  for (let i = 0; i < calls; i++) {
    agents[agentOf(i)] = {
      sessions: [{
        id: sessionOf(i),
        description: `soak session ${i}`,
        metadata: { index: i, tags: ["soak"], nested: { ok: true } },
        enabled: i % 3 !== 0,
        created_at: "2024-01-15T10:30:00Z"
      }]
    }
  }
  return { agents, keys: { [soakKey]: "*" } }
}

/**
 * Answers that echo the soak key back, in each of its forms (`echoForms`: literal, JSON-escaped in full,
 * in part or as `\/`, percent-encoded in full or in part, mixed), in the body, in `x-request-id` and in
 * `Location`, across the statuses that end in an error: 200 (a body that does not decode), 400, 401,
 * 403, 404, 422, 429, 500, 503, a cross-origin and a same-origin redirect; two put the key across the
 * 1 KiB excerpt's cut. Each call's outcome is checked for the key in any form or in part (`leakIn`).
 */
export const echoFaults = (key: string): ReadonlyArray<Emulator.Fault> => {
  const f = Object.fromEntries(echoForms(key)) as Record<string, string>
  const json = (status: number, body: string, headers: Record<string, string> = {}): Emulator.Fault => ({
    type: "status",
    status,
    body,
    headers: { "content-type": "application/json", ...headers }
  })
  // Where a form starts so that it crosses character 1,024 of the body (`{"detail":"` is 11 characters).
  const across = (form: string) => "x".repeat(1024 - 11 - Math.floor(form.length / 2))
  return [
    json(401, `{"detail":"invalid key ${f["literal"]}"}`, { "x-request-id": f["literal"]! }),
    json(400, `{"error":{"code":"invalid_request","message":"bad key ${f["json-all"]}"}}`, {
      "x-request-id": f["json-all"]!
    }),
    json(
      422,
      `{"detail":[{"loc":["header","${f["json-some"]}"],"msg":"invalid key ${f["json-some"]}","type":"value_error"}]}`
    ),
    json(403, `{"code":"forbidden","message":"${f["json-slash"]} may not read this agent"}`, {
      "x-request-id": f["json-slash"]!
    }),
    { type: "redirect", status: 302, location: `https://collector.example.net/steal?k=${f["percent-all-upper"]}` },
    { type: "redirect", status: 307, location: `/moved/${f["percent-all-lower"]}/sessions` },
    // "\/" in a path: the URL parser reads "\" as "/", so only the Location as sent still shows the key.
    { type: "redirect", status: 308, location: `/moved/${f["json-slash"]}/sessions` },
    json(429, `{"detail":"slow down, ${f["percent-uri-component"]}"}`, {
      "retry-after": "0",
      "x-request-id": f["percent-uri-component"]!
    }),
    {
      type: "status",
      status: 503,
      body: `<html><body>upstream refused ${f["percent-some"]}</body></html>`,
      headers: { "content-type": "text/html", "x-request-id": f["percent-some"]! }
    },
    { type: "status", status: 404, body: `not found: ${f["mixed"]}`, headers: { "x-request-id": f["mixed"]! } },
    {
      type: "status",
      status: 200,
      body: `${f["literal"]} is not JSON`,
      headers: { "content-type": "application/json" }
    },
    json(401, `{"detail":"${across(f["literal"]!)}${f["literal"]}"}`),
    json(500, `{"detail":"${across(f["json-all"]!)}${f["json-all"]}"}`)
  ]
}

/**
 * The injected faults, as shares of all attempts: 29.9 % drawn at random per attempt (3.9 % of them
 * echoing the key, `echoFaults`), and about 4 % more in bursts of 503 (`burstRule`: four bursts per run,
 * each hitting the next requests in a row), for about 34 % in all. The measured share is reported.
 */
export const faultShares: ReadonlyArray<readonly [number, Emulator.Fault]> = [
  ...echoFaults(soakKey).map((fault) => [0.003, fault] as const),
  [0.04, { type: "rateLimit", retryAfterMs: "5" }],
  [0.02, { type: "rateLimit", retryAfter: "0" }],
  [0.03, { type: "rateLimit" }],
  [0.01, { type: "serverError", status: 500 }],
  [0.01, { type: "serverError", status: 502 }],
  [0.01, { type: "serverError", status: 503 }],
  [0.01, { type: "serverError", status: 504 }],
  [0.04, { type: "reset" }],
  [0.02, { type: "reset", when: "midBody" }],
  [0.02, { type: "hang" }],
  [0.05, { type: "truncated" }]
]

/**
 * The shares as emulator rules. Rules are tried in order and each draws its own number, so rule k gets
 * `share_k / (1 - sum of the shares before it)` to make its overall share `share_k`.
 */
export const faultRules = (): Array<Emulator.FaultRule> => {
  let before = 0
  return faultShares.map(([share, fault]) => {
    const rule: Emulator.FaultRule = { route: "*", probability: share / (1 - before), fault }
    before += share
    return rule
  })
}

/** A burst: the next `size` requests that no other rule hit answer 503. */
export const burstRule = (size: number): Emulator.FaultRule => ({
  route: "*",
  times: size,
  fault: { type: "serverError", status: 503 }
})

/** The size of each of the four bursts of a run of `calls` calls (about 1.45 attempts per call). */
export const burstSize = (calls: number): number => Math.max(2, Math.round(calls * 0.0145))

/** Calls at which a burst is injected: four per run. */
export const burstAt = (calls: number): ReadonlySet<number> =>
  new Set([1, 3, 5, 7].map((k) => Math.floor((calls * k) / 8)))

/** What one call returned, as plain JSON (it crosses process and isolate boundaries). */
export type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly attempts?: number }
  | { readonly ok: false; readonly tag: string; readonly keyLeaked?: boolean; readonly attempts?: number }
  | { readonly defect: string; readonly attempts?: number }

type Step = { readonly retryable: boolean; readonly expect: "value" | string }

/** What one logged attempt must have produced at the client. */
const stepOf = (entry: Emulator.LoggedRequest): Step => {
  switch (entry.fault) {
    case "status":
      return statusStep(entry)
    case "redirect":
      // Every redirect of the soak holds the key (`echoFaults`): never followed.
      return { retryable: false, expect: "UnexpectedResponse" }
    case undefined:
      return entry.status === 200
        ? { retryable: false, expect: "value" }
        : { retryable: false, expect: `unexpected status ${entry.status}` }
    case "rateLimit":
      return { retryable: true, expect: "RateLimitExceeded" }
    case "serverError":
      return { retryable: true, expect: "ServerError" }
    case "reset":
      return { retryable: true, expect: "TransportError" }
    case "hang":
      return { retryable: true, expect: "RequestTimeout" }
    case "truncated":
      return { retryable: false, expect: "ResponseDecodeError" }
    default:
      return { retryable: false, expect: `unplanned fault ${entry.fault}` }
  }
}

/** What a `status` fault's answer must end in (`echoFaults`: bodies without a documented code but 400's). */
const statusStep = (entry: Emulator.LoggedRequest): Step => {
  switch (entry.status) {
    case 200:
      return { retryable: false, expect: "ResponseDecodeError" }
    case 400:
      return { retryable: false, expect: "InvalidRequest" }
    case 401:
      return { retryable: false, expect: "Unauthorized" }
    case 403:
      return { retryable: false, expect: "Forbidden" }
    case 404:
      return { retryable: false, expect: entry.route === "get" ? "SessionNotFound" : "AgentNotFound" }
    case 422:
      return { retryable: false, expect: "ValidationError" }
    case 429:
      return { retryable: true, expect: "RateLimitExceeded" }
    case 500:
    case 502:
    case 503:
    case 504:
      return { retryable: true, expect: "ServerError" }
    default:
      return { retryable: false, expect: `unplanned status ${entry.status}` }
  }
}

const expectedValue = (i: number): unknown =>
  kindOf(i) === "list" ? [sessionOf(i)] : { id: sessionOf(i), agent_id: agentOf(i), enabled: i % 3 !== 0 }

const sameValue = (i: number, value: unknown): boolean => JSON.stringify(value) === JSON.stringify(expectedValue(i))

export interface Verdict {
  readonly calls: number
  readonly attempts: number
  readonly faultedAttempts: number
  readonly faultShare: number
  readonly faultsByType: Record<string, number>
  readonly outcomes: Record<string, number>
  readonly attemptsHistogram: Record<string, number>
  readonly maxAttempts: number
  readonly defects: number
  readonly keyLeaks: number
  /** Attempts the client timed out on although the server answered (or never read them); see `verdict`. */
  readonly lateAttempts: number
  /** Requests the runtime's HTTP client resent by itself after a reset before headers (see `verdict`). */
  readonly runtimeResends: number
  /** Calls whose outcome or attempt count differs from what their log calls for (at most 20 shown). */
  readonly mismatches: ReadonlyArray<string>
  readonly mismatchCount: number
}

/**
 * Compares each call's outcome with its log. A call's attempts are the log entries of its agent, put
 * in the client's order by their `?attempt=` number (see `attempts.ts`). Each attempt's fault says
 * what the client must have seen; a retryable failure must be followed by another attempt while the
 * policy allows (`maxAttempts` = 1 + maxRetries), and nothing may follow a final one.
 *
 * One allowance, for a busy machine: an answer the server sent may reach the client only after the
 * per-attempt timeout, and a request may be read by the server only after the client gave up on it
 * (or never). The client then rightly reports `RequestTimeout` for that attempt (and retries). Such
 * late attempts are counted, not hidden: the suites assert they stay rare.
 */
export const verdict = (
  outcomes: ReadonlyArray<Outcome>,
  log: ReadonlyArray<Emulator.LoggedRequest>,
  maxAttempts: number
): Verdict => {
  const byAgent = new Map<string, Array<Emulator.LoggedRequest>>()
  const faultsByType: Record<string, number> = {}
  let faultedAttempts = 0
  for (const entry of log) {
    const agent = entry.agentId ?? "?"
    let entries = byAgent.get(agent)
    if (entries === undefined) byAgent.set(agent, entries = [])
    entries.push(entry)
    if (entry.fault !== undefined) {
      faultedAttempts++
      faultsByType[entry.fault] = (faultsByType[entry.fault] ?? 0) + 1
    }
  }
  const counted: Record<string, number> = {}
  const histogram: Record<string, number> = {}
  const mismatches: Array<string> = []
  let defects = 0
  let keyLeaks = 0
  let maxSeen = 0
  let lateAttempts = 0
  let runtimeResends = 0
  outcomes.forEach((outcome, i) => {
    const wire = (byAgent.get(agentOf(i)) ?? []).sort((a, b) => attemptOf(a.url) - attemptOf(b.url) || a.at - b.at)
    byAgent.delete(agentOf(i))
    // A runtime's HTTP client may resend a request on its own when the connection dies before any
    // response (Deno's fetch does, once, on a pooled connection): the same attempt number twice, the
    // first one reset before headers. Counted, and the attempt judged by its last request.
    const entries = wire.filter((entry, k) => {
      const next = wire[k + 1]
      const resent = next !== undefined && attemptOf(next.url) === attemptOf(entry.url) && entry.fault === "reset" &&
        entry.status === 0
      if (resent) runtimeResends++
      return !resent
    })
    const clientAttempts = outcome.attempts ?? entries.length
    maxSeen = Math.max(maxSeen, clientAttempts, entries.length)
    histogram[clientAttempts] = (histogram[clientAttempts] ?? 0) + 1
    const label = "defect" in outcome ? "defect" : outcome.ok ? "value" : outcome.tag
    counted[label] = (counted[label] ?? 0) + 1
    if ("defect" in outcome) defects++
    if ("tag" in outcome && outcome.keyLeaked === true) keyLeaks++

    const problem = (text: string) =>
      mismatches.push(
        `call ${i} (${kindOf(i)}): ${text}; log ${
          JSON.stringify(wire.map((e) => [attemptOf(e.url), e.status, e.fault ?? null]))
        }, ` +
          `client attempts ${clientAttempts}, got ${JSON.stringify(outcome)}`
      )
    if ("defect" in outcome) return problem("a defect, not a value or a typed error")
    if (clientAttempts > maxAttempts) return problem(`${clientAttempts} attempts, over the policy's ${maxAttempts}`)
    if (entries.length > clientAttempts) return problem("more requests reached the server than the client sent")
    if (entries.some((e) => e.route !== kindOf(i) || e.keyFingerprint !== Emulator.fingerprint(soakKey))) {
      return problem("a request went to the wrong route or without the key")
    }
    const numbers = entries.map((e) => attemptOf(e.url))
    if (new Set(numbers).size !== numbers.length || numbers.some((n) => n < 1 || n > clientAttempts)) {
      return problem("the attempt numbers are not the client's")
    }
    // The expectation of attempt n: what its log entry calls for, or RequestTimeout if it never arrived.
    const stepAt = (n: number): Step & { readonly answered: boolean } => {
      const entry = entries.find((e) => attemptOf(e.url) === n)
      if (entry === undefined) return { retryable: true, expect: "RequestTimeout", answered: false }
      return { ...stepOf(entry), answered: entry.status !== 0 }
    }
    for (let n = 1; n < clientAttempts; n++) {
      const step = stepAt(n)
      if (!step.answered && step.expect === "RequestTimeout" && !entries.some((e) => attemptOf(e.url) === n)) {
        lateAttempts++
      }
      if (step.retryable) continue
      // A final answer was followed by another attempt: only right if the client timed out on it.
      if (!step.answered) return problem(`attempt ${n} was final but was retried`)
      lateAttempts++
    }
    const last = stepAt(clientAttempts)
    if (last.retryable && clientAttempts < maxAttempts) return problem("a retryable failure was not retried")
    if ("tag" in outcome && outcome.tag === "RequestTimeout" && last.expect !== "RequestTimeout" && last.answered) {
      lateAttempts++
      return
    }
    if (last.expect === "RequestTimeout" && !entries.some((e) => attemptOf(e.url) === clientAttempts)) lateAttempts++
    if (last.expect === "value") {
      if (!("ok" in outcome && outcome.ok && sameValue(i, outcome.value))) {
        return problem("expected the fixture's value")
      }
    } else if (!("tag" in outcome && outcome.tag === last.expect)) {
      return problem(`expected ${last.expect}`)
    }
  })
  for (const [agent, entries] of byAgent) mismatches.push(`${entries.length} requests for ${agent}, which no call made`)
  const attempts = log.length
  return {
    calls: outcomes.length,
    attempts,
    faultedAttempts,
    faultShare: attempts === 0 ? 0 : Math.round((faultedAttempts / attempts) * 1000) / 1000,
    faultsByType,
    outcomes: counted,
    attemptsHistogram: histogram,
    maxAttempts: maxSeen,
    defects,
    keyLeaks,
    lateAttempts,
    runtimeResends,
    mismatches: mismatches.slice(0, 20),
    mismatchCount: mismatches.length
  }
}

/** `n` tasks over `concurrency` workers (for the Promise-driven runs). */
export const pool = async <A>(n: number, concurrency: number, task: (i: number) => Promise<A>): Promise<Array<A>> => {
  const results = new Array<A>(n)
  let next = 0
  const worker = async () => {
    while (next < n) {
      const i = next++
      results[i] = await task(i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
  return results
}

/** Which scale to run: CI-size unless RELIABILITY=full (the on-demand runs). */
export const full = process.env["RELIABILITY"] === "full"

/**
 * Prints one of a suite's figures as a `[reliability] …` line, on the on-demand runs
 * (RELIABILITY=full) or with RELIABILITY_REPORT=1. The CI-size run, part of `pnpm test`, stays quiet:
 * its checks are the assertions, and figures nobody asked for read as noise in the test log.
 */
export const report = (line: string): void => {
  if (full || process.env["RELIABILITY_REPORT"] === "1") console.log(`[reliability] ${line}`)
}

/** `ci` in CI, `onDemand` with RELIABILITY=full; the environment variable `name` overrides both. */
export const scaled = (name: string, ci: number, onDemand: number): number => {
  const override = Number(process.env[name])
  return Number.isInteger(override) && override > 0 ? override : full ? onDemand : ci
}
