/**
 * Every status and documented code, and every body shape an error comes in (FastAPI's, the common JSON
 * ones, HTML, plain text, none), to its tagged error with the fields a person debugging needs.
 */
import { seedPath } from "../fixtures.ts"
import type { ErrorExpect, Scenario } from "../Scenario.ts"
import { empty, getSeed, json, listAgent, listPath, text } from "../steps.ts"

const area = "errors"

/** The call fails at the first answer (not retried even with the default 2 retries). */
const once = (
  name: string,
  call: typeof listAgent,
  step: Scenario["script"][number],
  error: ErrorExpect
): Scenario => ({
  name,
  area,
  script: [step],
  call,
  expect: { error, requests: { count: 1 } }
})

/** As `once`, for statuses that would be retried: retries are turned off. */
const noRetry = (
  name: string,
  call: typeof listAgent,
  step: Scenario["script"][number],
  error: ErrorExpect
): Scenario => ({
  ...once(name, call, step, error),
  options: { maxRetries: 0 }
})

const html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"

export const errors: ReadonlyArray<Scenario> = [
  once(
    "a 400 with {\"error\": {\"code\": \"invalid_request\", \"message\"}} is InvalidRequest with the code and message",
    getSeed,
    json(400, { error: { code: "invalid_request", message: "session_id is malformed" } }, {
      "x-request-id": "req_400"
    }),
    {
      _tag: "InvalidRequest",
      status: 400,
      code: "invalid_request",
      message: "session_id is malformed",
      requestId: "req_400",
      urlPath: seedPath,
      body: "\"invalid_request\""
    }
  ),
  once(
    "a 401 with FastAPI's {\"detail\": \"text\"} is Unauthorized with the text as message",
    listAgent,
    json(401, { detail: "Invalid API key" }, { "x-request-id": "req_401" }),
    { _tag: "Unauthorized", status: 401, code: null, message: "Invalid API key", requestId: "req_401" }
  ),
  once(
    "a 401 whose detail is the documented code is Unauthorized with that code",
    getSeed,
    json(401, { detail: "unauthorized" }),
    { _tag: "Unauthorized", status: 401, code: "unauthorized" }
  ),
  once(
    "a 403 with {\"code\", \"message\"} is Forbidden",
    getSeed,
    json(403, { code: "forbidden", message: "this key may not read agt_customer_support" }),
    { _tag: "Forbidden", status: 403, code: "forbidden", message: "may not read agt_customer_support" }
  ),
  once(
    "a 404 agent_not_found on get is AgentNotFound",
    getSeed,
    json(404, { error: { code: "agent_not_found", message: "no such agent" } }),
    { _tag: "AgentNotFound", status: 404, code: "agent_not_found", message: "no such agent" }
  ),
  once(
    "a 404 session_not_found on get is SessionNotFound",
    getSeed,
    json(404, { detail: "session_not_found" }, { "request-id": "req_404" }),
    { _tag: "SessionNotFound", status: 404, code: "session_not_found", requestId: "req_404" }
  ),
  once(
    "a 404 of list is AgentNotFound whatever code the body names",
    listAgent,
    json(404, { error: { code: "session_not_found", message: "nothing here" } }),
    { _tag: "AgentNotFound", status: 404, code: "session_not_found", message: "nothing here" }
  ),
  once(
    "a bare 404 of list (no documented code) is AgentNotFound whose message points at baseUrl",
    listAgent,
    json(404, { detail: "Not Found" }),
    {
      _tag: "AgentNotFound",
      status: 404,
      code: null,
      message: ["Not Found", "check that baseUrl is the API's root", `${listPath} was not found`]
    }
  ),
  once(
    "an HTML 404 of get is SessionNotFound with an HTTP 404 message and the page as excerpt",
    getSeed,
    text(404, "<html><body>nginx: not found</body></html>", { "content-type": "text/html" }),
    {
      _tag: "SessionNotFound",
      status: 404,
      code: null,
      message: ["HTTP 404", "check that baseUrl"],
      messageNot: "nginx",
      body: "nginx: not found"
    }
  ),
  once(
    "a 4xx body's documented code decides the tag: a 400 saying session_not_found on get is SessionNotFound",
    getSeed,
    json(400, { code: "session_not_found", message: "gone" }),
    { _tag: "SessionNotFound", status: 400, code: "session_not_found" }
  ),
  once(
    "a 422 with FastAPI's detail list is ValidationError keeping the issues",
    listAgent,
    json(422, {
      detail: [
        { loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" },
        { loc: ["query", "limit", 0], msg: "not an integer", type: "type_error.integer" }
      ]
    }),
    {
      _tag: "ValidationError",
      status: 422,
      message: "path.agent_id: field required; query.limit.0: not an integer",
      detail: [
        { loc: ["path", "agent_id"], msg: "field required", type: "value_error.missing" },
        { loc: ["query", "limit", 0], msg: "not an integer", type: "type_error.integer" }
      ]
    }
  ),
  once(
    "a 422 whose detail is text is ValidationError with that text as detail",
    listAgent,
    json(422, { detail: "agent_id is not valid" }),
    { _tag: "ValidationError", status: 422, message: "agent_id is not valid", detail: "agent_id is not valid" }
  ),
  noRetry(
    "a 429 is RateLimitExceeded (credits exhausted reads the same), without retryAfter when none was sent",
    listAgent,
    json(429, { detail: "Credits exhausted" }),
    { _tag: "RateLimitExceeded", status: 429, message: "Credits exhausted", retryAfterMillis: null }
  ),
  noRetry(
    "a 429 with {\"error\": \"rate_limit_exceeded\", \"message\"} is RateLimitExceeded with the code",
    getSeed,
    json(429, { error: "rate_limit_exceeded", message: "slow down" }),
    { _tag: "RateLimitExceeded", status: 429, code: "rate_limit_exceeded", message: "slow down" }
  ),
  noRetry(
    "a 500 with an HTML page is ServerError with an HTTP 500 message and the page as excerpt",
    listAgent,
    text(500, html, { "content-type": "text/html", "cf-ray": "8a1b2c3d4e5f-FRA" }),
    {
      _tag: "ServerError",
      status: 500,
      code: null,
      message: "HTTP 500",
      body: "<h1>Bad Gateway</h1>",
      requestId: "8a1b2c3d4e5f-FRA"
    }
  ),
  noRetry(
    "a 502 with an empty body is ServerError with no excerpt",
    listAgent,
    empty(502),
    { _tag: "ServerError", status: 502, message: "HTTP 502", body: null }
  ),
  noRetry(
    "a 503 with short plain text is ServerError with the text as message",
    listAgent,
    text(503, "upstream busy, try later", { "content-type": "text/plain; charset=utf-8" }),
    { _tag: "ServerError", status: 503, message: "upstream busy, try later" }
  ),
  once(
    "a 501 is ServerError and is not retried",
    listAgent,
    json(501, { detail: "not implemented" }),
    { _tag: "ServerError", status: 501, message: "not implemented" }
  ),
  once(
    "a 418 (any other status) is UnexpectedResponse",
    listAgent,
    text(418, "I'm a teapot", { "content-type": "text/plain" }),
    { _tag: "UnexpectedResponse", status: 418, message: "I'm a teapot", location: null }
  ),
  noRetry(
    "a 409 is UnexpectedResponse with its status",
    getSeed,
    json(409, { detail: "conflict" }),
    { _tag: "UnexpectedResponse", status: 409, message: "conflict" }
  ),
  once(
    "a 304 is UnexpectedResponse",
    listAgent,
    empty(304),
    { _tag: "UnexpectedResponse", status: 304, message: "HTTP 304" }
  ),
  once(
    "a 204 to get is a ResponseDecodeError (no body to decode)",
    getSeed,
    empty(204),
    { _tag: "ResponseDecodeError", status: 204, message: "is not JSON" }
  ),
  noRetry(
    "an error body's excerpt keeps the first 1024 characters and its message is bounded",
    listAgent,
    json(500, { detail: "x".repeat(3000) }),
    { _tag: "ServerError", status: 500, bodyLength: 1025, message: "xxxxxxxx" }
  ),
  once(
    "a long HTML body of a 401 leaves the message HTTP 401, not the page",
    listAgent,
    text(401, `<html>${"<p>please sign in</p>".repeat(50)}</html>`, { "content-type": "text/html" }),
    { _tag: "Unauthorized", status: 401, message: "HTTP 401", bodyLength: 1025 }
  )
]
