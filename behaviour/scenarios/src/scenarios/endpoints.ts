/**
 * The two endpoints: what each sends, and what each returns from every body shape the service sends.
 */
import { key, seedPath, seedSession, seedValue, sessionWith } from "../fixtures.ts"
import type { Scenario } from "../Scenario.ts"
import { getSeed, json, listAgent, listPath, sessions, text } from "../steps.ts"

const area = "endpoints"
const decode = "decoding"

const seedAnswer = json(200, seedSession)

/** A `get` whose 200 body is the seed's session with `created_at` replaced: decoded or refused. */
const createdAt = (name: string, value: string, expected: string | undefined): Scenario => ({
  name,
  area: decode,
  script: [json(200, sessionWith({ created_at: value }))],
  options: { maxRetries: 0 },
  call: getSeed,
  expect: expected === undefined
    ? {
      error: { _tag: "ResponseDecodeError", status: 200, message: "is not an AgentSession", body: value },
      requests: { count: 1 }
    }
    : { value: { ...seedValue, created_at: expected } }
})

/** A `list` whose 200 body is not a list of sessions. */
const notAList = (name: string, body: unknown): Scenario => ({
  name,
  area: decode,
  script: [json(200, body)],
  options: { maxRetries: 0 },
  call: listAgent,
  expect: {
    error: { _tag: "ResponseDecodeError", status: 200, message: "the 200 response body is not a list of sessions" },
    requests: { count: 1 }
  }
})

/** A `get` whose 200 body is not a session. */
const notASession = (name: string, body: unknown): Scenario => ({
  name,
  area: decode,
  script: [json(200, body)],
  options: { maxRetries: 0 },
  call: getSeed,
  expect: {
    error: { _tag: "ResponseDecodeError", status: 200, message: "the 200 response body is not an AgentSession" },
    requests: { count: 1 }
  }
})

export const endpoints: ReadonlyArray<Scenario> = [
  {
    name: "list sends GET /v1/agent/{agent_id}/sessions with the key in x-api-key and accept: application/json",
    area,
    script: [sessions("ase_1")],
    call: listAgent,
    expect: {
      value: ["ase_1"],
      requests: {
        count: 1,
        paths: [listPath],
        headers: { "x-api-key": key, accept: "application/json", authorization: null }
      },
      span: {
        name: "AgentSessions.list",
        attributes: {
          "lyzr.agent_id": "agt_1",
          "lyzr.session_id": null,
          "lyzr.attempts": 1,
          "http.request.method": "GET",
          "url.path": listPath,
          "http.response.status_code": 200
        }
      }
    }
  },
  {
    name: "get sends GET /v2/agents/{agent_id}/sessions/{session_id} and returns the seed's session",
    area,
    script: [seedAnswer],
    call: getSeed,
    expect: {
      value: seedValue,
      requests: { count: 1, paths: [seedPath], headers: { "x-api-key": key, accept: "application/json" } },
      span: {
        name: "AgentSessions.get",
        attributes: {
          "lyzr.agent_id": seedSession.agent_id,
          "lyzr.session_id": seedSession.id,
          "lyzr.attempts": 1,
          "http.request.method": "GET",
          "url.path": seedPath,
          "http.response.status_code": 200
        }
      }
    }
  },
  {
    name: "a base URL with a path prefixes both endpoints' paths (a trailing slash adds no empty segment)",
    area,
    script: [sessions("ase_1")],
    options: { basePath: "/lyzr/api/" },
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 1, paths: [`/lyzr/api${listPath}`] } }
  },
  {
    name: "list reads the documented shape {\"sessions\": [ids]}",
    area: decode,
    script: [sessions("ase_1", "ase_2", "ase_3")],
    call: listAgent,
    expect: { value: ["ase_1", "ase_2", "ase_3"] }
  },
  {
    name: "list reads the live service's bare array of {session_id, session_name, user_id, created_at}",
    area: decode,
    script: [
      json(200, [
        { session_id: "s-1", session_name: "First", user_id: "u@example.com", created_at: "2024-01-15T10:30:00Z" },
        { session_id: "s-2", session_name: "Second", user_id: "u@example.com", created_at: "2024-01-16T10:30:00Z" }
      ])
    ],
    call: listAgent,
    expect: { value: ["s-1", "s-2"] }
  },
  {
    name: "list reads strings and {session_id} objects mixed in either shape",
    area: decode,
    script: [json(200, { sessions: ["ase_1", { session_id: "ase_2", extra: true }] })],
    call: listAgent,
    expect: { value: ["ase_1", "ase_2"] }
  },
  {
    name: "list of an agent without sessions is empty, in either shape",
    area: decode,
    script: [json(200, [])],
    call: listAgent,
    expect: { value: [] }
  },
  notAList("a list whose entries are numbers is a ResponseDecodeError", { sessions: [1, 2] }),
  notAList("a list entry without session_id is a ResponseDecodeError", [{ session_name: "First" }]),
  notAList("a list body of null is a ResponseDecodeError", null),
  notAList("a list body of another shape ({\"items\": []}) is a ResponseDecodeError", { items: [] }),
  {
    name: "a 200 body that is not JSON (HTML) is a ResponseDecodeError with an excerpt of the body",
    area: decode,
    script: [
      text(200, "<!doctype html><title>Login</title>", { "content-type": "text/html", "x-request-id": "req_9" })
    ],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: {
      error: {
        _tag: "ResponseDecodeError",
        status: 200,
        message: "the 200 response body is not JSON",
        body: "<title>Login</title>",
        requestId: "req_9",
        urlPath: listPath
      },
      requests: { count: 1 }
    }
  },
  {
    name: "a 200 with an empty body is a ResponseDecodeError (decode errors are not retried)",
    area: decode,
    script: [text(200, "")],
    call: getSeed,
    expect: {
      error: { _tag: "ResponseDecodeError", status: 200, message: "is not JSON", body: null },
      requests: { count: 1 }
    }
  },
  {
    name: "a 200 body cut off mid-JSON is a ResponseDecodeError",
    area: decode,
    script: [text(200, "{\"sessions\": [\"ase_1\"", { "content-type": "application/json" })],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "ResponseDecodeError", message: "is not JSON" } }
  },
  {
    name: "a 200 body of bytes that are not UTF-8 is a ResponseDecodeError, not a crash",
    area: decode,
    script: [{
      status: 200,
      headers: { "content-type": "application/json" },
      body: { bytes: [0xff, 0xfe, 0x7b, 0x80] }
    }],
    options: { maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "ResponseDecodeError", status: 200, message: "is not JSON" } }
  },
  {
    name: "a UTF-8 byte order mark before the JSON is ignored",
    area: decode,
    script: [{
      status: 200,
      headers: { "content-type": "application/json" },
      body: { bytes: [0xef, 0xbb, 0xbf, ...new TextEncoder().encode("{\"sessions\":[\"ase_1\"]}")] }
    }],
    call: listAgent,
    expect: { value: ["ase_1"] }
  },
  {
    name: "a session with description null has no description, and metadata null reads as {}",
    area: decode,
    script: [json(200, sessionWith({ description: null, metadata: null }))],
    call: getSeed,
    expect: {
      value: {
        id: seedSession.id,
        agent_id: seedSession.agent_id,
        metadata: {},
        enabled: true,
        created_at: seedValue.created_at
      }
    }
  },
  {
    name: "a session without description or metadata reads with no description and metadata {}",
    area: decode,
    script: [json(200, { id: "ase_1", agent_id: "agt_1", enabled: false, created_at: "2024-01-15T10:30:00Z" })],
    call: getSeed,
    expect: {
      value: { id: "ase_1", agent_id: "agt_1", metadata: {}, enabled: false, created_at: "2024-01-15T10:30:00.000Z" }
    }
  },
  {
    name: "fields the service adds later are ignored",
    area: decode,
    script: [json(200, sessionWith({ user_id: "u@example.com", tags: ["x"], version: 3 }))],
    call: getSeed,
    expect: { value: seedValue }
  },
  notASession("a session without id is a ResponseDecodeError", { ...seedSession, id: undefined }),
  notASession(
    "a session whose enabled is the string \"true\" is a ResponseDecodeError",
    sessionWith({ enabled: "true" })
  ),
  notASession("a session whose metadata is an array is a ResponseDecodeError", sessionWith({ metadata: ["a"] })),
  {
    name: "a session whose metadata holds a number past the float range (1e400) is a ResponseDecodeError",
    area: decode,
    script: [text(200, JSON.stringify(seedSession).replace("\"interaction_count\":8", "\"interaction_count\":1e400"), {
      "content-type": "application/json"
    })],
    options: { maxRetries: 0 },
    call: getSeed,
    expect: { error: { _tag: "ResponseDecodeError", status: 200, message: "is not an AgentSession" } }
  },
  createdAt(
    "created_at with an offset is read as the same instant in UTC",
    "2024-01-15T12:30:00+02:00",
    "2024-01-15T10:30:00.000Z"
  ),
  createdAt(
    "created_at with a fraction and lower-case t and z keeps milliseconds",
    "2024-01-15t10:30:00.123456z",
    "2024-01-15T10:30:00.123Z"
  ),
  createdAt(
    "created_at that is a date without a time is a ResponseDecodeError (RFC 3339 only)",
    "2024-01-15",
    undefined
  ),
  createdAt(
    "created_at without an offset is a ResponseDecodeError (no local-time guess)",
    "2024-01-15T10:30:00",
    undefined
  ),
  createdAt("created_at with a space for the T is a ResponseDecodeError", "2024-01-15 10:30:00Z", undefined),
  createdAt(
    "created_at on February 30 is a ResponseDecodeError (no rollover to March)",
    "2024-02-30T10:30:00Z",
    undefined
  ),
  createdAt("created_at of \"1\" is a ResponseDecodeError", "1", undefined)
]
