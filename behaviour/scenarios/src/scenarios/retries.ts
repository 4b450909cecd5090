/**
 * Retries (which failures, how many, the backoff), the server's requested wait (`retry-after-ms`, then
 * `Retry-After` in seconds or as an HTTP date; honoured up to 60 s, beyond fails at once), and the
 * per-attempt timeout. Times are milliseconds after the call started; in process they are exact (the
 * runner drives a TestClock), over sockets they are checked as lower bounds with some slack above.
 */
import { seedValue } from "../fixtures.ts"
import { seedSession } from "../fixtures.ts"
import type { Scenario, Step } from "../Scenario.ts"
import {
  closeBeforeHeaders,
  empty,
  getSeed,
  hang,
  json,
  listAgent,
  listPath,
  reset,
  sessions,
  times
} from "../steps.ts"

const retries = "retries"
const waits = "retry-after"
const timeouts = "timeouts"

/** The backoff's window before retry n (0 for the first): 0.5 s * 2^n capped at 8 s, jittered to 75–100 %. */
const backoff = (n: number): readonly [number, number] => {
  const delay = Math.min(500 * 2 ** n, 8000)
  return [delay * 0.75, delay]
}

/** When each of `count` attempts starts, when every wait is the default backoff. */
const backoffSchedule = (count: number): ReadonlyArray<readonly [number, number]> => {
  const at: Array<readonly [number, number]> = [[0, 0]]
  for (let n = 0; n < count - 1; n++) {
    const [lo, hi] = at[n]!
    const [wlo, whi] = backoff(n)
    at.push([lo + wlo, hi + whi])
  }
  return at
}

/** A status that is retried: one failure, then the answer. */
const retriedOnce = (status: number): Scenario => ({
  name: `a ${status} is retried once after the backoff, and the retry's answer is the result`,
  area: retries,
  script: [empty(status), sessions("ase_1")],
  options: { maxRetries: 1 },
  call: listAgent,
  expect: { value: ["ase_1"], requests: { count: 2, paths: [listPath, listPath], at: backoffSchedule(2) } }
})

/** A 429 carrying the given wait headers, then the answer: the second request comes after `wait` ms. */
const waitsFor = (name: string, headers: Record<string, string>, wait: number, extra: Partial<Scenario> = {}) => ({
  name,
  area: waits,
  script: [json(429, { detail: "slow down" }, headers), sessions("ase_1")],
  call: listAgent,
  expect: { value: ["ase_1"], requests: { count: 2, at: [[0, 0], [wait, wait]] } },
  ...extra
} satisfies Scenario)

const ok: Step = sessions("ase_1")

export const retryScenarios: ReadonlyArray<Scenario> = [
  {
    name: "a 503 is retried with backoff (0.5 s, then 1 s, jittered) and the third attempt's answer is the result",
    area: retries,
    script: [empty(503), empty(503), json(200, seedSession)],
    call: getSeed,
    expect: {
      value: seedValue,
      requests: { count: 3, at: backoffSchedule(3) },
      elapsedMillis: backoffSchedule(3)[2]!,
      span: { name: "AgentSessions.get", attributes: { "lyzr.attempts": 3, "http.response.status_code": 200 } }
    }
  },
  {
    name: "by default a call is tried 3 times: after 2 retries a 503 fails with ServerError",
    area: retries,
    script: times(3, json(503, { detail: "overloaded" })),
    call: listAgent,
    expect: {
      error: { _tag: "ServerError", status: 503, message: "overloaded" },
      requests: { count: 3, at: backoffSchedule(3) },
      span: { name: "AgentSessions.list", attributes: { "lyzr.attempts": 3, "http.response.status_code": 503 } }
    }
  },
  {
    name: "maxRetries 0 sends one request",
    area: retries,
    script: [empty(503), ok],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "ServerError", status: 503 }, requests: { count: 1 }, elapsedMillis: [0, 0] }
  },
  {
    name: "maxRetries 4 sends five requests, the waits doubling",
    area: retries,
    script: times(5, empty(500)),
    options: { maxRetries: 4 },
    call: listAgent,
    expect: { error: { _tag: "ServerError", status: 500 }, requests: { count: 5, at: backoffSchedule(5) } },
    modes: { socket: { skip: "about 7 s of real backoff; exact under the TestClock in process" } }
  },
  {
    name: "the backoff is capped at 8 s",
    area: retries,
    script: [...times(7, empty(502)), ok],
    options: { maxRetries: 7 },
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 8, at: backoffSchedule(8) } },
    modes: { socket: { skip: "about 35 s of real backoff; exact under the TestClock in process" } }
  },
  retriedOnce(408),
  retriedOnce(409),
  retriedOnce(429),
  retriedOnce(500),
  retriedOnce(502),
  retriedOnce(504),
  {
    name: "a reset connection is retried, and the retry's answer is the result",
    area: retries,
    script: [reset, ok],
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 2, at: backoffSchedule(2) } }
  },
  {
    name:
      "a connection closed before the headers, every attempt, fails with a transient TransportError after the retries",
    area: retries,
    script: times(3, closeBeforeHeaders),
    call: listAgent,
    expect: {
      error: {
        _tag: "TransportError",
        status: null,
        message: [`GET ${listPath} failed:`, "closed the connection before sending the response headers"],
        transient: true,
        urlPath: listPath
      },
      requests: { count: 3, at: backoffSchedule(3) }
    }
  },
  {
    name: "a reset connection is a TransportError that says the connection was reset",
    area: retries,
    script: [reset],
    options: { maxRetries: 0 },
    call: getSeed,
    expect: { error: { _tag: "TransportError", status: null, message: "was reset", transient: true } }
  },
  {
    name: "a connection broken while reading the body is a TransportError about the body",
    area: retries,
    script: [{ ...json(200, { sessions: ["ase_1", "ase_2", "ase_3"] }), breakAfterBytes: 10 }],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: {
      error: { _tag: "TransportError", status: null, message: "broke while reading the response body", transient: true }
    }
  },
  waitsFor("a 429 with Retry-After: 1 is retried after exactly 1 s", { "retry-after": "1" }, 1000),
  waitsFor("retry-after-ms is honoured before Retry-After", { "retry-after-ms": "250", "retry-after": "30" }, 250),
  waitsFor("Retry-After: 0 retries at once", { "retry-after": "0" }, 0),
  waitsFor(
    "a Retry-After HTTP date is honoured as the wait until that time",
    { "retry-after": "{{httpDate:+2}}" },
    2000,
    {
      modes: { socketTiming: { skip: "an HTTP date has whole seconds: over real time the wait is between 1 and 2 s" } }
    }
  ),
  waitsFor("a Retry-After date in the past retries at once", { "retry-after": "{{httpDate:-30}}" }, 0),
  waitsFor("a Retry-After of exactly 60 s is honoured", { "retry-after": "60" }, 60_000, {
    modes: { socket: { skip: "waits a real minute; exact under the TestClock in process" } }
  }),
  {
    name: "an unreadable Retry-After is ignored and the backoff applies",
    area: waits,
    script: [json(429, { detail: "slow down" }, { "retry-after": "soon" }), ok],
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 2, at: backoffSchedule(2) } }
  },
  {
    name: "a 429 asking for more than 60 s fails at once with RateLimitExceeded carrying the wait",
    area: waits,
    script: [json(429, { detail: "quota reset later" }, { "retry-after": "61" }), ok],
    call: listAgent,
    expect: {
      error: { _tag: "RateLimitExceeded", status: 429, retryAfterMillis: 61_000, message: "quota reset later" },
      requests: { count: 1 },
      elapsedMillis: [0, 0]
    }
  },
  {
    name: "a 429 with retry-after-ms above 60000 fails at once",
    area: waits,
    script: [json(429, { detail: "later" }, { "retry-after-ms": "90000" }), ok],
    call: listAgent,
    expect: {
      error: { _tag: "RateLimitExceeded", retryAfterMillis: 90_000 },
      requests: { count: 1 },
      elapsedMillis: [0, 0]
    }
  },
  {
    name: "a 503 with Retry-After: 1 is retried after exactly 1 s",
    area: waits,
    script: [json(503, { detail: "maintenance" }, { "retry-after": "1" }), ok],
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 2, at: [[0, 0], [1000, 1000]] } }
  },
  {
    name: "a 500 asking for 120 s fails at once with ServerError carrying the wait",
    area: waits,
    script: [json(500, { detail: "down" }, { "retry-after": "120" }), ok],
    call: listAgent,
    expect: {
      error: { _tag: "ServerError", status: 500, retryAfterMillis: 120_000 },
      requests: { count: 1 },
      elapsedMillis: [0, 0]
    }
  },
  {
    name: "the last failure keeps the wait the server asked for",
    area: waits,
    script: [json(429, { detail: "slow down" }, { "retry-after": "2" })],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: {
      error: { _tag: "RateLimitExceeded", retryAfterMillis: 2000 },
      requests: { count: 1 },
      elapsedMillis: [0, 0]
    }
  },
  {
    name: "an attempt that gets no answer fails with RequestTimeout at the per-attempt timeout",
    area: timeouts,
    script: [hang],
    options: { timeout: "200 millis", maxRetries: 0 },
    call: listAgent,
    expect: {
      error: {
        _tag: "RequestTimeout",
        status: null,
        timeoutMillis: 200,
        message: [`GET ${listPath} to `, "took longer than 200 ms (the per-attempt timeout)"],
        urlPath: listPath
      },
      requests: { count: 1 },
      elapsedMillis: [200, 200]
    }
  },
  {
    name: "the timeout is per attempt: two attempts of 200 ms each succeed under a 300 ms timeout",
    area: timeouts,
    script: [{ ...empty(503), delayMillis: 200 }, { ...sessions("ase_1"), delayMillis: 200 }],
    options: { timeout: "300 millis", maxRetries: 1 },
    call: listAgent,
    expect: {
      value: ["ase_1"],
      requests: { count: 2, at: [[0, 0], [575, 700]] },
      elapsedMillis: [775, 900]
    }
  },
  {
    name: "a timed-out attempt is retried, and the retry's answer is the result",
    area: timeouts,
    script: [hang, ok],
    options: { timeout: "200 millis", maxRetries: 1 },
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 2, at: [[0, 0], [575, 700]] } }
  },
  {
    name: "timeouts on every attempt fail with RequestTimeout after the retries",
    area: timeouts,
    script: times(3, hang),
    options: { timeout: 100 },
    call: listAgent,
    expect: {
      error: { _tag: "RequestTimeout", timeoutMillis: 100, message: "took longer than 100 ms" },
      requests: { count: 3 },
      elapsedMillis: [100 + 375 + 100 + 750 + 100, 100 + 500 + 100 + 1000 + 100]
    }
  },
  {
    name: "the timeout covers the body: a body that stops coming fails with RequestTimeout",
    area: timeouts,
    script: [{ ...sessions("ase_1", "ase_2"), stallAfterBytes: 5 }],
    options: { timeout: "200 millis", maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "RequestTimeout", timeoutMillis: 200 }, requests: { count: 1 }, elapsedMillis: [200, 200] }
  },
  {
    name: "the default timeout is 30 s per attempt",
    area: timeouts,
    script: [hang],
    options: { maxRetries: 0 },
    call: getSeed,
    expect: {
      error: {
        _tag: "RequestTimeout",
        timeoutMillis: 30_000,
        message: "took longer than 30 s (the per-attempt timeout)"
      },
      elapsedMillis: [30_000, 30_000]
    },
    modes: { socket: { skip: "waits 30 real seconds; exact under the TestClock in process" } }
  }
]
