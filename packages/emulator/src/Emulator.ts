/**
 * The Lyzr Agent Sessions API served from memory, with scriptable faults:
 * what stripe-mock is to Stripe.
 *
 * Plain TypeScript on web-standard `Request`/`Response` (no Effect, no Node
 * APIs), so the one implementation runs in Node, Deno, workerd and in-process.
 * It is written from the API documents on its own and shares no schema with
 * `@lyzr-effect/core`, so a misreading of the wire cannot pass on both sides.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make({ listShape: "live" })
 * emu.inject({ route: "get", times: 1, fault: { type: "rateLimit", retryAfter: "1" } })
 * const res = await emu.handler(new Request(
 *   "http://emulator.test/v2/agents/agt_customer_support/sessions/ase_customer_support_001",
 *   { headers: { "x-api-key": Emulator.keys.full } }
 * ))
 * res.status // 429, then 200 on the next call
 * ```
 *
 * @since 0.1.0
 */
import * as internal from "./internal/emulator.ts"
import * as fingerprints from "./internal/fingerprint.ts"
import * as fixture from "./internal/fixture.ts"

// ---------------------------------------------------------------------------
// models: fixture
// ---------------------------------------------------------------------------

/**
 * One session as stored by the emulator. `id`, `description`, `metadata`,
 * `enabled` and `created_at` are what `GET /v2/agents/{agent_id}/sessions/{session_id}`
 * returns (with `agent_id` taken from the owning agent). `session_name` and
 * `user_id` appear only in the "live" list shape of `/v1/agent/{agent_id}/sessions`;
 * when absent they default to the session id and `"emulator-user@example.com"`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const session: Emulator.FixtureSession = {
 *   id: "ase_refund_1",
 *   description: "Refund request",
 *   metadata: { channel: "email" },
 *   enabled: true,
 *   created_at: "2024-03-01T09:00:00Z"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FixtureSession {
  readonly id: string
  readonly description: string
  readonly metadata: { readonly [key: string]: unknown }
  readonly enabled: boolean
  readonly created_at: string
  readonly session_name?: string
  readonly user_id?: string
}

/**
 * An agent and its sessions, in the order the list endpoint returns them.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const agent: Emulator.FixtureAgent = {
 *   sessions: [{ id: "ase_1", description: "", metadata: {}, enabled: true, created_at: "2024-03-01T09:00:00Z" }]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FixtureAgent {
  readonly sessions: ReadonlyArray<FixtureSession>
}

/**
 * Which agents an API key may read: `"*"` for every agent (an unknown agent is
 * then a 404), or a list of agent ids (any other agent, known or not, is a 403).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const everyAgent: Emulator.KeyAccess = "*"
 * const oneAgent: Emulator.KeyAccess = ["agt_customer_support"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type KeyAccess = "*" | ReadonlyArray<string>

/**
 * The emulator's data: agents by id, and API keys by value. JSON-compatible,
 * so a fixture can live in a `.json` file (load it with {@link parseFixture}).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const fixture: Emulator.Fixture = {
 *   agents: { agt_billing: { sessions: [] } },
 *   keys: { "test-key": "*" }
 * }
 * const emu = Emulator.make({ fixture })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Fixture {
  readonly agents: { readonly [agentId: string]: FixtureAgent }
  readonly keys: { readonly [apiKey: string]: KeyAccess }
}

// ---------------------------------------------------------------------------
// models: faults
// ---------------------------------------------------------------------------

/**
 * What goes wrong. Each fault replaces the normal answer to one request,
 * except `latency`, which delays it.
 *
 * - `latency`: wait `ms`, then answer normally.
 * - `status`: answer `status` (200..599) with `body` (a string is sent as is,
 *   with `text/plain` unless `headers` say otherwise; any other value is sent as
 *   JSON; absent means an empty body) and extra `headers`.
 * - `rateLimit`: 429 with the route's documented error body, plus `retry-after`
 *   and `retry-after-ms` headers when given (raw header values, sent verbatim).
 * - `serverError`: 500 (default) with the route's JSON error body; 502, 503
 *   and 504 come as the HTML page a gateway would send.
 * - `malformed`: 200, `application/json`, a body that is not JSON.
 * - `truncated`: 200, the route's success JSON cut in half (a syntax error).
 * - `wrongShape`: 200, valid JSON of the wrong shape.
 * - `hugeBody`: 200, a JSON body of exactly `bytes` bytes, streamed in 64 KiB
 *   chunks without `content-length`.
 * - `redirect`: `status` (302 default) with `location` (absolute or relative).
 * - `reset`: the connection dies. `when: "beforeHeaders"` (default) means no
 *   response at all; `"midBody"` sends the success headers and half the body,
 *   then fails the body stream.
 * - `hang`: no answer, ever, until the client gives up (or the host closes).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const slow: Emulator.Fault = { type: "latency", ms: 2_000 }
 * const limited: Emulator.Fault = { type: "rateLimit", retryAfter: "1" }
 * const emu = Emulator.make({ faults: [{ fault: slow }, { route: "get", times: 1, fault: limited }] })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | { readonly type: "latency"; readonly ms: number }
  | {
    readonly type: "status"
    readonly status: number
    readonly body?: unknown
    readonly headers?: { readonly [name: string]: string }
  }
  | { readonly type: "rateLimit"; readonly retryAfter?: string; readonly retryAfterMs?: string }
  | { readonly type: "serverError"; readonly status?: 500 | 502 | 503 | 504 }
  | { readonly type: "malformed" }
  | { readonly type: "truncated" }
  | { readonly type: "wrongShape" }
  | { readonly type: "hugeBody"; readonly bytes: number }
  | { readonly type: "redirect"; readonly status?: 301 | 302 | 307 | 308; readonly location: string }
  | { readonly type: "reset"; readonly when?: "beforeHeaders" | "midBody" }
  | { readonly type: "hang" }

/**
 * When a fault applies. A rule matches a request when every given field
 * matches: `route` (`"*"` or absent: any request, unknown routes included),
 * `agentId` / `sessionId` (the percent-decoded path parameters). Of the rules
 * that match, the first one with budget left applies; `times` is its budget
 * (absent: unlimited). With `probability`, each time the rule is considered it
 * draws one number from the emulator's seeded PRNG and applies only if the draw
 * is below `probability`; if not, the next rule is considered. A rule's budget
 * is spent only when it applies.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make()
 * // the next two calls of `get` for this session answer 503, then it heals
 * const rule: Emulator.FaultRule = {
 *   route: "get",
 *   sessionId: "ase_customer_support_001",
 *   times: 2,
 *   fault: { type: "serverError", status: 503 }
 * }
 * emu.inject(rule)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultRule {
  readonly route?: "list" | "get" | "*"
  readonly agentId?: string
  readonly sessionId?: string
  readonly times?: number
  readonly probability?: number
  readonly fault: Fault
}

// ---------------------------------------------------------------------------
// models: emulator
// ---------------------------------------------------------------------------

/**
 * `"documented"`: `{"sessions": ["ase_..", ...]}`, as the API document says.
 * `"live"`: a bare array of `{session_id, session_name, user_id, created_at}`,
 * as the real service answers (and Lyzr Studio reads).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * // "live": the bare array of {session_id, session_name, user_id, created_at} the real service sends
 * const shape: Emulator.ListShape = "live"
 * const emu = Emulator.make({ listShape: shape })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ListShape = "documented" | "live"

/**
 * Which endpoint a request addressed.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make()
 * const gets = (route: Emulator.Route) => emu.requests.filter((request) => request.route === route).length
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Route = "list" | "get" | "unknown"

/**
 * One entry of the request log. `status` is what was (or will be, after a
 * latency fault) sent; it is `0` when no HTTP response is sent (`reset` before
 * headers, `hang`). `fault` is the applied fault's `type`.
 *
 * The API key is never kept: `keyFingerprint` is the first 8 hex digits of the
 * SHA-256 of the `x-api-key` header's UTF-8 bytes ({@link fingerprint}), or
 * `undefined` when the header was absent. Tests compare it with
 * `Emulator.fingerprint(key)` to assert where a key was (not) sent; a shell gets
 * the same digits with `printf %s "$KEY" | sha256sum | cut -c1-8`.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make()
 * await emu.handler(new Request("http://emulator/v1/agent/agt_customer_support/sessions", {
 *   headers: { "x-api-key": Emulator.keys.full }
 * }))
 * const [first]: ReadonlyArray<Emulator.LoggedRequest> = emu.requests
 * console.log(first?.route, first?.status) // "list" 200
 * console.log(first?.keyFingerprint === Emulator.fingerprint(Emulator.keys.full)) // true
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface LoggedRequest {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly route: Route
  readonly agentId?: string
  readonly sessionId?: string
  /** {@link fingerprint} of the `x-api-key` header; `undefined` when it was absent. */
  readonly keyFingerprint: string | undefined
  readonly status: number
  readonly fault?: Fault["type"]
  readonly requestId: string
  readonly at: number
}

/**
 * What a host must do with one request: the emulator decides, the host carries
 * it out on its transport (socket, `Deno.serve`, workerd, an in-process
 * `HttpClient`).
 *
 * - `Respond`: send `response` after waiting `delayMs`.
 * - `Reset`: drop the connection without an HTTP response.
 * - `Hang`: never answer; release only when the client aborts or the host closes.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * // what a host does with the emulator's decision
 * const emu = Emulator.make()
 * const outcome: Emulator.Outcome = emu.dispatch(new Request("http://emulator/v1/agent/agt_x/sessions"))
 * if (outcome._tag === "Respond") console.log(outcome.response.status, outcome.delayMs)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome =
  | { readonly _tag: "Respond"; readonly response: Response; readonly delayMs: number }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Hang" }

/**
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const options: Emulator.Options = {
 *   listShape: "live",
 *   seed: 42,
 *   faults: [{ fault: { type: "latency", ms: 50 } }],
 *   control: { token: "local-test-token" }, // the /__emulator/* API, for requests with x-emulator-token
 *   requestLogSize: 100 // keep the last 100 requests
 * }
 * const emu = Emulator.make(options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The data served; default {@link defaultFixture}. Validated and copied. */
  readonly fixture?: Fixture
  /** Shape of the list endpoint's 200 body; default `"documented"`. */
  readonly listShape?: ListShape
  /** Seed of the PRNG behind `probability` and of the request ids; default 1. */
  readonly seed?: number
  /** Fault rules installed at start (as if passed to `inject` in order). */
  readonly faults?: ReadonlyArray<FaultRule>
  /**
   * The control API (`POST`/`DELETE /__emulator/faults`, `GET /__emulator/requests`,
   * `POST /__emulator/reset`), answered by every host (`handler`, `serveNode`,
   * `serveDeno`, the Worker, `EmulatorHttpClient`). Off by default: a control
   * request is then a `404 {"detail":"Not Found"}` like any unknown route.
   * `true` turns it on; `{ token }` turns it on for requests whose
   * `x-emulator-token` header holds the token (any other gets the 404).
   * Throws a `RangeError` on any other value, or an empty token.
   */
  readonly control?: boolean | { readonly token: string }
  /**
   * How many requests the log keeps: a ring buffer, so once it is full each new
   * request drops the oldest one. Default 1000; `0` keeps none. An integer >= 0,
   * else `make` throws a `RangeError`.
   */
  readonly requestLogSize?: number
}

/**
 * A running emulator. All state (request log, fault budgets, PRNG, request-id
 * counter) belongs to this object; nothing is shared between emulators.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu: Emulator.Emulator = Emulator.make()
 * const response = await emu.handler(
 *   new Request("http://emulator/v1/agent/agt_customer_support/sessions", {
 *     headers: { "x-api-key": Emulator.keys.full }
 *   })
 * )
 * console.log(response.status, await response.json()) // 200 { sessions: [...] }
 * emu.reset()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Emulator {
  /**
   * Answers one request as the service would, faults included. Usable as a
   * `fetch` stand-in: a `reset` rejects with a `TypeError` (as fetch does on a
   * network error); a `hang` stays pending until `request.signal` aborts, then
   * rejects with the abort reason; `latency` also honours the signal. Answers
   * the control API too, when it is on (see `control`).
   */
  readonly handler: (request: Request) => Promise<Response>
  /**
   * The decision for one request, for hosts that implement `reset`, `hang` and
   * `latency` on their own transport. Logs the request and spends fault budget.
   */
  readonly dispatch: (request: Request) => Outcome
  /** Appends a fault rule (validated; throws `RangeError` on a bad rule). */
  readonly inject: (rule: FaultRule) => void
  /**
   * The control API (see {@link Options.control}), for hosts: the answer to a
   * control request when the API is on, the path is one of its endpoints and
   * the token (if set) matches; `undefined` otherwise, and the request then goes
   * to `dispatch` (which answers an unknown route with 404). Control requests are
   * not logged and no fault applies to them. `handler` calls it first.
   */
  readonly control: (request: Request) => Promise<Response> | undefined
  /** Removes every fault rule. */
  readonly clearFaults: () => void
  /**
   * The request log, oldest first (a snapshot): the last `requestLogSize`
   * requests (default 1000); older ones are dropped.
   */
  readonly requests: ReadonlyArray<LoggedRequest>
  /**
   * Clears the request log and every fault rule (the initial ones too), and
   * restarts the PRNG and the request-id counter from the seed.
   */
  readonly reset: () => void
  /** The list shape this emulator serves. */
  readonly listShape: ListShape
}

/**
 * Where a host listens (`serveNode`, `serveDeno`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { serveNode } from "@lyzr-effect/emulator/node"
 *
 * const options: Emulator.ServeOptions = { hostname: "127.0.0.1", port: 8787 }
 * const server = await serveNode(Emulator.make(), options)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** Default `"127.0.0.1"`. */
  readonly hostname?: string
  /** Default `0`: an ephemeral port chosen by the OS. */
  readonly port?: number
}

/**
 * A running host (`serveNode`, `serveDeno`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { serveNode } from "@lyzr-effect/emulator/node"
 *
 * const server: Emulator.Server = await serveNode(Emulator.make())
 * process.env.LYZR_BASE_URL = server.url
 * await server.close()
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** The origin, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string
  readonly port: number
  /** Stops the server: releases hung and delayed requests and closes every open connection. */
  readonly close: () => Promise<void>
}

// ---------------------------------------------------------------------------
// constructors
// ---------------------------------------------------------------------------

/**
 * Creates an emulator. No I/O, timers or randomness happen until a request is
 * handled, so this is safe anywhere (a Worker builds it inside `fetch`).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make({ faults: [{ route: "list", times: 1, fault: { type: "rateLimit", retryAfter: "1" } }] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Emulator = internal.make

/**
 * The default data: a fresh deep copy on every call.
 *
 * - `agt_customer_support`: `ase_customer_support_001` (the API document's
 *   example, verbatim), `ase_customer_support_002`, `ase_customer_support_003`
 *   (disabled).
 * - `agt_sales_assistant`: `ase_sales_lead_101`, `ase_sales_lead_102`
 *   (disabled, empty metadata), `ase_sales-demo_2024`.
 * - `agt_onboarding_bot`: no sessions (an empty list).
 * - `66b1f2a9c4e5d60718293a4b`: a legacy 24-hex agent id, readable through v1
 *   only (v2 rejects it with 400), two sessions.
 *
 * Keys: {@link keys}.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const fixture = Emulator.defaultFixture()
 * console.log(Object.keys(fixture.agents)) // the agents served by default, e.g. "agt_customer_support"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultFixture: () => Fixture = fixture.defaultFixture

/**
 * Validates a value (for instance `JSON.parse` of a fixture file) as a
 * {@link Fixture} and returns a deep copy; throws a `TypeError` naming the
 * offending path otherwise.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 * import { readFileSync } from "node:fs"
 *
 * // throws a TypeError that names the bad path, e.g. "fixture.agents.agt_x.sessions[0].id"
 * const fixture = Emulator.parseFixture(JSON.parse(readFileSync("fixture.json", "utf8")))
 * const emu = Emulator.make({ fixture })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const parseFixture: (input: unknown) => Fixture = fixture.parseFixture

/**
 * The API keys of {@link defaultFixture}: `full` reads every agent (an unknown
 * agent is a 404), `restricted` reads only `agt_customer_support` (every other
 * agent is a 403).
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * const emu = Emulator.make()
 * const request = new Request("http://emulator/v1/agent/agt_customer_support/sessions", {
 *   headers: { "x-api-key": Emulator.keys.restricted }
 * })
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const keys: {
  readonly full: "lyzr-emulator-key"
  readonly restricted: "lyzr-emulator-restricted-key"
} = fixture.keys

/**
 * The fingerprint the request log keeps instead of an API key
 * ({@link LoggedRequest.keyFingerprint}): the first 8 hex digits of the SHA-256
 * of the key's UTF-8 bytes. Deterministic and synchronous; it tells keys apart
 * without revealing them.
 *
 * @example
 * ```ts
 * import { Emulator } from "@lyzr-effect/emulator"
 *
 * Emulator.fingerprint("lyzr-emulator-key") // "524a2c32", as `printf %s lyzr-emulator-key | sha256sum` starts
 * const emu = Emulator.make()
 * const sentWithFullKey = emu.requests.filter((r) => r.keyFingerprint === Emulator.fingerprint(Emulator.keys.full))
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const fingerprint: (apiKey: string) => string = fingerprints.fingerprint
