/**
 * Configuration: options (or `LYZR_*` variables) a client cannot work with are refused when the layer is
 * built, with a message that names the setting as the user wrote it; no request is ever sent.
 */
import type { Options, Scenario } from "../Scenario.ts"
import { empty, hang, listAgent, listPath, sessions } from "../steps.ts"

const area = "config"

/** The layer fails with a configuration error naming `names`. */
const refused = (name: string, options: Options, names: string, message: string | ReadonlyArray<string>): Scenario => ({
  name,
  area,
  script: [sessions("ase_1")],
  options,
  call: listAgent,
  expect: { refused: { names, message }, requests: { count: 0 } }
})

/** As `refused`, from `LYZR_*` variables. */
const refusedEnv = (
  name: string,
  env: Readonly<Record<string, string | null>>,
  names: string,
  message: string | ReadonlyArray<string>
): Scenario => ({
  name,
  area,
  script: [sessions("ase_1")],
  env,
  call: listAgent,
  expect: { refused: { names, message }, requests: { count: 0 } }
})

export const config: ReadonlyArray<Scenario> = [
  refused("an empty apiKey is refused, naming apiKey", { apiKey: "" }, "apiKey", "apiKey: the API key is empty"),
  refused(
    "an apiKey with CR/LF is refused (it would split the header), naming apiKey",
    { apiKey: "sk-1\r\nx-injected: 1" },
    "apiKey",
    "the API key contains a line break (CR or LF)"
  ),
  refused(
    "an apiKey with characters a header cannot carry is refused",
    { apiKey: "sk-clé-1" },
    "apiKey",
    "characters that are not allowed in an HTTP header"
  ),
  refused("a missing apiKey is refused, naming apiKey", { apiKey: null }, "apiKey", "apiKey: is undefined"),
  refused(
    "a plain-http base URL on a non-loopback host is refused, saying how to allow it",
    { baseUrl: "http://api.example.com" },
    "baseUrl",
    ["http://api.example.com uses plain http", "set allowInsecureHttp: true"]
  ),
  refused(
    "a base URL that is not http(s) is refused",
    { baseUrl: "ftp://files.example.com" },
    "baseUrl",
    "must use https"
  ),
  refused("a base URL that is not a URL is refused", { baseUrl: "agent-prod lyzr" }, "baseUrl", "is not a valid URL"),
  refused(
    "a base URL with credentials is refused",
    { baseUrl: "https://user:secret@agent-prod.studio.lyzr.ai" },
    "baseUrl",
    "must not contain credentials"
  ),
  refused("a timeout of 0 is refused, naming timeout", { timeout: "0 seconds" }, "timeout", "timeout: must be"),
  refused("a negative timeout is refused", { timeout: -5 }, "timeout", "timeout: must be"),
  refused("an unreadable timeout is refused", { timeout: "soon" }, "timeout", "timeout: must be"),
  refused(
    "a negative maxRetries is refused",
    { maxRetries: -1 },
    "maxRetries",
    "maxRetries: must be a whole number of at least 0, got -1"
  ),
  refused("a fractional maxRetries is refused", { maxRetries: 1.5 }, "maxRetries", "got 1.5"),
  refused("a maxResponseBytes of 0 is refused", { maxResponseBytes: 0 }, "maxResponseBytes", "at least 1, got 0"),
  refused(
    "a maxRedirects given as text is refused",
    { maxRedirects: "5" },
    "maxRedirects",
    "maxRedirects: must be a whole number"
  ),
  {
    name: "allowInsecureHttp lets a plain-http base URL on another host through",
    area,
    script: [sessions("ase_1")],
    options: { baseUrl: "http://lyzr.behaviour.test", allowInsecureHttp: true },
    call: listAgent,
    expect: { value: ["ase_1"], requests: { count: 1, paths: [listPath] } },
    modes: { socket: { skip: "the base URL names a host that is not loopback; the tests talk to loopback only" } }
  },
  refusedEnv(
    "LYZR_API_KEY unset is refused, naming LYZR_API_KEY",
    { LYZR_API_KEY: null },
    "LYZR_API_KEY",
    "LYZR_API_KEY"
  ),
  refusedEnv(
    "an unreadable LYZR_TIMEOUT is refused, naming LYZR_TIMEOUT",
    { LYZR_TIMEOUT: "soon" },
    "LYZR_TIMEOUT",
    "must be milliseconds or a duration"
  ),
  refusedEnv(
    "a plain-http LYZR_BASE_URL is refused, saying to set LYZR_ALLOW_INSECURE_HTTP",
    { LYZR_BASE_URL: "http://api.example.com" },
    "LYZR_BASE_URL",
    "set LYZR_ALLOW_INSECURE_HTTP=true"
  ),
  refusedEnv(
    "a LYZR_MAX_RETRIES that is not a number is refused",
    { LYZR_MAX_RETRIES: "many" },
    "LYZR_MAX_RETRIES",
    []
  ),
  {
    name: "LYZR_MAX_RETRIES=0 from the environment turns retries off",
    area,
    script: [empty(503), sessions("ase_1")],
    env: { LYZR_MAX_RETRIES: "0" },
    call: listAgent,
    expect: { error: { _tag: "ServerError", status: 503 }, requests: { count: 1 } }
  },
  {
    name: "LYZR_TIMEOUT in milliseconds sets the per-attempt timeout, and the message names LYZR_TIMEOUT",
    area,
    script: [hang],
    env: { LYZR_TIMEOUT: "150", LYZR_MAX_RETRIES: "0" },
    call: listAgent,
    expect: {
      error: {
        _tag: "RequestTimeout",
        timeoutMillis: 150,
        message: "took longer than 150 ms (the per-attempt LYZR_TIMEOUT)"
      },
      elapsedMillis: [150, 150]
    }
  }
]
