/**
 * The redirect rule: same-origin redirects are followed (up to `maxRedirects`, default 5, per attempt);
 * a redirect to another origin, to a URL holding the key, or without a Location is never followed. No
 * request ever reaches the other origin (every runner checks that for every scenario).
 */
import type { KeyForm, Scenario } from "../Scenario.ts"
import { empty, listAgent, listPath, redirect, sessions, times } from "../steps.ts"

const area = "redirects"

const moved = "/v1/agent/agt_1/sessions?page=moved"

/** A same-origin redirect whose Location holds the key in the given form: refused, the key redacted. */
const keyInLocation = (form: KeyForm): Scenario => ({
  name: `a same-origin redirect whose Location holds the key (${form}) is not followed and the key is redacted`,
  area,
  script: [redirect(302, `/v1/agent/agt_1/sessions?api_key={{key:${form}}}`), sessions("ase_1")],
  call: listAgent,
  expect: {
    error: {
      _tag: "UnexpectedResponse",
      status: 302,
      message: "redirected to a URL that contains the API key; not followed",
      locationIncludes: ["api_key=<redacted>"]
    },
    requests: { count: 1, paths: [listPath] }
  }
})

export const redirects: ReadonlyArray<Scenario> = [
  {
    name: "a 302 to a same-origin path is followed, with the key, and its answer is the result",
    area,
    script: [redirect(302, moved), sessions("ase_1")],
    call: listAgent,
    expect: {
      value: ["ase_1"],
      requests: { count: 2, paths: [listPath, moved] },
      span: { name: "AgentSessions.list", attributes: { "lyzr.attempts": 1, "http.response.status_code": 200 } }
    }
  },
  {
    name: "a chain of 301, 307 and 308 to absolute same-origin URLs is followed to the end",
    area,
    script: [
      redirect(301, "{{base}}/a"),
      redirect(307, "{{base}}/b"),
      redirect(308, "{{base}}/c?x=1"),
      sessions("ase_9")
    ],
    call: listAgent,
    expect: { value: ["ase_9"], requests: { count: 4, paths: [listPath, "/a", "/b", "/c?x=1"] } }
  },
  {
    name: "a 303 to a relative path is resolved against the request's URL",
    area,
    script: [redirect(303, "moved"), sessions("ase_1")],
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 2, paths: [listPath, "/v1/agent/agt_1/moved"] } }
  },
  {
    name: "more than 5 redirects (the default maxRedirects) fail with UnexpectedResponse, and are not retried",
    area,
    script: times(8, redirect(302, moved)),
    call: listAgent,
    expect: {
      error: {
        _tag: "UnexpectedResponse",
        status: 302,
        message: "more than 5 redirects",
        location: `{{base}}${moved}`
      },
      requests: { count: 6 }
    }
  },
  {
    name: "maxRedirects 0 follows no redirect",
    area,
    script: [redirect(302, moved), sessions("ase_1")],
    options: { maxRedirects: 0 },
    call: listAgent,
    expect: {
      error: {
        _tag: "UnexpectedResponse",
        status: 302,
        message: "more than 0 redirects",
        location: `{{base}}${moved}`
      },
      requests: { count: 1 }
    }
  },
  {
    name: "a redirect to another origin is not followed: UnexpectedResponse names the origin and keeps the Location",
    area,
    script: [redirect(302, "{{other}}/v1/agent/agt_1/sessions"), sessions("ase_1")],
    call: listAgent,
    expect: {
      error: {
        _tag: "UnexpectedResponse",
        status: 302,
        message: ["redirected to another origin ({{other}})", "the API key stays with {{base}}"],
        location: "{{other}}/v1/agent/agt_1/sessions"
      },
      requests: { count: 1 }
    }
  },
  {
    name: "a redirect to another origin holding the key is refused, with the key redacted from the Location",
    area,
    script: [redirect(307, "{{other}}/collect?k={{key}}")],
    call: listAgent,
    expect: {
      error: { _tag: "UnexpectedResponse", status: 307, message: "another origin", locationIncludes: "k=<redacted>" },
      requests: { count: 1 }
    }
  },
  keyInLocation("literal"),
  keyInLocation("uri-component"),
  keyInLocation("percent-mixed"),
  {
    name: "a 302 without a Location is UnexpectedResponse with its status",
    area,
    script: [empty(302)],
    call: listAgent,
    expect: { error: { _tag: "UnexpectedResponse", status: 302, location: null }, requests: { count: 1 } }
  },
  {
    name: "each attempt starts again at the call's URL: a redirect, a 503, then the redirect again",
    area,
    script: [redirect(302, moved), empty(503), redirect(302, moved), sessions("ase_1")],
    options: { maxRetries: 1 },
    call: listAgent,
    expect: {
      value: ["ase_1"],
      requests: { count: 4, paths: [listPath, moved, listPath, moved] },
      span: { name: "AgentSessions.list", attributes: { "lyzr.attempts": 2 } }
    }
  }
]
