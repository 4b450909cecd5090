/**
 * Redaction: a server may echo the key back, in a body, a header or a Location, literally, JSON-escaped
 * or percent-encoded, whole or in part. The key then appears in no field of the error, no rendering of it
 * (`String`, `JSON.stringify`, the Cause), no span and no log line: every runner checks that for every
 * scenario, in every form. These scenarios provoke it and check where `<redacted>` stands instead.
 */
import { redacted } from "../fixtures.ts"
import type { KeyForm, Scenario } from "../Scenario.ts"
import { getSeed, json, listAgent, text } from "../steps.ts"

const area = "redaction"

/** A 401 whose FastAPI detail echoes the key in the given form. */
const echoedInDetail = (form: KeyForm): Scenario => ({
  name: `a key echoed ${form} in a 401's JSON detail is redacted from message and excerpt`,
  area,
  script: [
    text(401, `{"detail":"invalid key {{key:${form}}} for this agent"}`, { "content-type": "application/json" })
  ],
  call: listAgent,
  expect: {
    error: {
      _tag: "Unauthorized",
      status: 401,
      message: `invalid key ${redacted} for this agent`,
      body: redacted
    }
  }
})

export const redaction: ReadonlyArray<Scenario> = [
  echoedInDetail("literal"),
  echoedInDetail("json-unicode"),
  echoedInDetail("json-unicode-mixed"),
  echoedInDetail("json-slash"),
  {
    name: "a key echoed percent-encoded in an HTML 500 page is redacted from the excerpt",
    area,
    script: [text(500, "<html><a href=\"/login?k={{key:percent}}\">retry</a></html>", { "content-type": "text/html" })],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "ServerError", status: 500, body: `k=${redacted}` } }
  },
  {
    name: "a key echoed URI-encoded in a plain-text 503 is redacted from the message",
    area,
    script: [text(503, "key {{key:uri-component}} is throttled", { "content-type": "text/plain" })],
    options: { maxRetries: 0 },
    call: getSeed,
    expect: { error: { _tag: "ServerError", status: 503, message: `key ${redacted} is throttled` } }
  },
  {
    name: "a key echoed in the x-request-id header is redacted from requestId",
    area,
    script: [json(403, { code: "forbidden" }, { "x-request-id": "req-{{key}}" })],
    call: getSeed,
    expect: { error: { _tag: "Forbidden", requestId: `req-${redacted}` } }
  },
  {
    name: "a key echoed in a 422's issue list is redacted from detail",
    area,
    script: [json(422, { detail: [{ loc: ["header", "x-api-key"], msg: "bad value {{key}}", type: "value_error" }] })],
    call: listAgent,
    expect: {
      error: {
        _tag: "ValidationError",
        message: `header.x-api-key: bad value ${redacted}`,
        detail: [{ loc: ["header", "x-api-key"], msg: `bad value ${redacted}`, type: "value_error" }]
      }
    }
  },
  {
    name: "a key echoed in a 200 body that fails to decode is redacted from the excerpt",
    area,
    script: [json(200, { id: "{{key}}", agent_id: 1, enabled: true, created_at: "{{key}}" })],
    call: getSeed,
    expect: { error: { _tag: "ResponseDecodeError", status: 200, body: `"id":"${redacted}"` } }
  },
  {
    name: "a key that straddles the excerpt's 1024-character cut leaves no part of it behind",
    area,
    script: [text(500, `${"x".repeat(1020)}{{key}} and more`, { "content-type": "text/plain" })],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "ServerError", bodyLength: 1025, body: `${"x".repeat(1020)}<red` } }
  },
  {
    name: "a key echoed in a 429 with a wait over 60 s is redacted; the wait is kept",
    area,
    script: [json(429, { detail: "key {{key}} is over quota" }, { "retry-after": "3600" })],
    call: listAgent,
    expect: {
      error: { _tag: "RateLimitExceeded", retryAfterMillis: 3_600_000, message: `key ${redacted} is over quota` },
      requests: { count: 1 }
    }
  },
  {
    name: "a key echoed on every retried failure appears in no log line or span",
    area,
    script: [
      json(503, { detail: "busy {{key}}" }, { "x-request-id": "{{key:uri-component}}" }),
      text(502, "{{key:json-unicode}}"),
      json(401, { detail: "revoked {{key:percent}}" })
    ],
    call: listAgent,
    expect: {
      error: { _tag: "Unauthorized", message: `revoked ${redacted}` },
      requests: { count: 3 },
      span: { name: "AgentSessions.list", attributes: { "lyzr.attempts": 3, "http.response.status_code": 401 } }
    }
  }
]
