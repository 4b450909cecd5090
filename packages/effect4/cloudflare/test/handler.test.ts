/**
 * `CloudflareLyzr.handler` and its mapping in process (Node 24): every SDK error's HTTP answer, the body and
 * `Retry-After`, what happens to failures the user's effect leaves unhandled (a bad binding, a defect, an
 * interrupted request), and `waitUntil` — with `options.layer` over the in-process emulator
 * (`@lyzr-effect/effect4-emulator`), no sockets. workerd itself is in workerd.test.ts.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  AgentNotFound,
  AgentSessions,
  type AgentSessionsError,
  Forbidden,
  InvalidRequest,
  RateLimitExceeded,
  RequestTimeout,
  ResponseDecodeError,
  ServerError,
  SessionNotFound,
  TransportError,
  Unauthorized,
  UnexpectedResponse,
  ValidationError
} from "@lyzr-effect/effect4-core"
import { Emulator, EmulatorHttpClient } from "@lyzr-effect/effect4-emulator"
import { Settings } from "@lyzr-effect/wire"
import { Cause, Config, Duration, Effect, Exit, Layer, Option } from "effect"
import { afterEach, vi } from "vitest"
import { CloudflareLyzr } from "../src/index.ts"

const cases: ReadonlyArray<readonly [AgentSessionsError, number]> = [
  [new InvalidRequest({ message: "bad id", status: 400 }), 400],
  [new Unauthorized({ message: "no", status: 401 }), 502],
  [new Forbidden({ message: "no", status: 403 }), 403],
  [new AgentNotFound({ message: "gone", status: 404, code: "agent_not_found" }), 404],
  [new SessionNotFound({ message: "gone", status: 404, code: "session_not_found" }), 404],
  [new ValidationError({ message: "bad", status: 422 }), 422],
  [new RateLimitExceeded({ message: "slow", status: 429, retryAfter: Duration.millis(1500) }), 429],
  [new ServerError({ message: "down", status: 500 }), 502],
  [new UnexpectedResponse({ message: "teapot", status: 418 }), 502],
  [new ResponseDecodeError({ message: "not json", status: 200 }), 502],
  [new TransportError({ message: "reset" }), 502],
  [new RequestTimeout({ message: "slow", timeout: Duration.seconds(30) }), 504]
]

/** The handler over the in-process emulator: `options.layer` replaces `layerEnv(env)`'s HttpClient. */
const inProcess = (emulator: Emulator.Emulator) => (env: { readonly LYZR_API_KEY?: string }) =>
  Layer.provide(
    AgentSessions.layer({ apiKey: env.LYZR_API_KEY ?? "", baseUrl: "http://127.0.0.1", maxRetries: 0 }),
    EmulatorHttpClient.layerHttpClient(emulator)
  )

const ctx = () => {
  const background: Array<Promise<unknown>> = []
  return { background, waitUntil: (promise: Promise<unknown>) => void background.push(promise) }
}

const request = (path: string, init?: RequestInit) => new Request(`https://worker.test${path}`, init)

/** Captures what the handler logs (Effect's default logger writes to the console), so the run stays quiet. */
const captureConsole = () => {
  const lines: Array<string> = []
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: Array<unknown>) => {
      lines.push(args.map(String).join(" "))
    })
  }
  return lines
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe("statusOf / errorResponse / isAgentSessionsError", () => {
  it("maps each of the 12 error tags to its status", () => {
    assert.strictEqual(new Set(cases.map(([error]) => error._tag)).size, 12)
    for (const [error, status] of cases) {
      assert.strictEqual(CloudflareLyzr.statusOf(error), status, error._tag)
      assert.strictEqual(CloudflareLyzr.errorResponse(error).status, status, error._tag)
    }
  })

  it("errorResponse answers JSON with type, message, code, upstream status and request id, never cached", async () => {
    const response = CloudflareLyzr.errorResponse(
      new SessionNotFound({ message: "gone", status: 404, code: "session_not_found", requestId: "req_1", body: "{}" })
    )
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/)
    assert.strictEqual(response.headers.get("cache-control"), "no-store")
    assert.deepStrictEqual(await response.json(), {
      error: {
        type: "SessionNotFound",
        message: "gone",
        code: "session_not_found",
        upstreamStatus: 404,
        requestId: "req_1"
      }
    })
  })

  it("a wait the service asked for becomes Retry-After in whole seconds, rounded up", () => {
    const response = CloudflareLyzr.errorResponse(
      new RateLimitExceeded({ message: "slow", status: 429, retryAfter: Duration.millis(1500) })
    )
    assert.strictEqual(response.headers.get("retry-after"), "2")
    assert.isNull(
      CloudflareLyzr.errorResponse(new ServerError({ message: "down", status: 500 })).headers.get("retry-after")
    )
  })

  it("isAgentSessionsError holds for the 12 classes only", () => {
    for (const [error] of cases) assert.isTrue(CloudflareLyzr.isAgentSessionsError(error), error._tag)
    assert.isFalse(CloudflareLyzr.isAgentSessionsError(new Error("x")))
    assert.isFalse(CloudflareLyzr.isAgentSessionsError({ _tag: "SessionNotFound", message: "look-alike" }))
  })
})

/** What building `layerEnv(env)` fails with, or "built". */
const buildEnv = async (env: object): Promise<Config.ConfigError | "built"> => {
  const exit = await Effect.runPromiseExit(
    Effect.as(AgentSessions, "built" as const).pipe(
      Effect.provide(CloudflareLyzr.layerEnv(env))
    )
  )
  if (Exit.isSuccess(exit)) return exit.value
  const error = Cause.findErrorOption(exit.cause)
  assert.isTrue(Option.isSome(error) && error.value instanceof Config.ConfigError, Cause.pretty(exit.cause))
  return (error as Option.Some<Config.ConfigError>).value
}

/**
 * The wire's own message for a set of bindings it refuses. Effect 4 renders a `ConfigError`'s message as
 * its cause's, `SchemaError(<message>)`; the cause's own message is the wire's, exactly.
 */
const wireMessage = (env: Record<string, unknown>): string => {
  const read = Settings.readEnv((name) => env[name])
  assert.strictEqual(read._tag, "Invalid")
  return (read as { readonly message: string }).message
}

describe("layerEnv, in process (the bindings read without Effect Config)", () => {
  it("a missing key is a ConfigError whose message is the wire's, naming LYZR_API_KEY", async () => {
    const error = await buildEnv({ LYZR_BASE_URL: "https://agent-prod.studio.lyzr.ai" })
    assert.instanceOf(error, Config.ConfigError)
    assert.strictEqual((error as Config.ConfigError).cause.message, wireMessage({}))
    assert.strictEqual((error as Config.ConfigError).message, `SchemaError(${wireMessage({})})`)
    assert.include((error as Config.ConfigError).message, "LYZR_API_KEY")
  })

  it("each invalid binding is named, with exactly the wire's message; the key is never quoted", async () => {
    const cases: ReadonlyArray<Record<string, unknown>> = [
      { LYZR_API_KEY: "" },
      { LYZR_API_KEY: "sk-secret\r\nx-injected: 1" },
      { LYZR_API_KEY: "sk-secret", LYZR_TIMEOUT: "soon" },
      { LYZR_API_KEY: "sk-secret", LYZR_MAX_RETRIES: "-1" },
      { LYZR_API_KEY: "sk-secret", LYZR_ALLOW_INSECURE_HTTP: "maybe" }
    ]
    for (const env of cases) {
      const error = await buildEnv(env)
      assert.instanceOf(error, Config.ConfigError, JSON.stringify(env))
      assert.strictEqual((error as Config.ConfigError).cause.message, wireMessage(env))
      assert.notInclude((error as Config.ConfigError).message, "sk-secret")
    }
  })

  it("the client's own checks name the binding too: the options are marked as read from the environment", async () => {
    const error = await buildEnv({ LYZR_API_KEY: "sk-test", LYZR_BASE_URL: "http://example.com" })
    assert.instanceOf(error, Config.ConfigError)
    assert.include((error as Config.ConfigError).message, "LYZR_BASE_URL")
    const empty = await buildEnv({ LYZR_API_KEY: "sk-test", LYZR_BASE_URL: "" })
    assert.include((empty as Config.ConfigError).message, "LYZR_BASE_URL")
  })

  it("reads [vars] given as numbers and booleans as their text; other bindings are never touched", async () => {
    const env = {
      LYZR_API_KEY: "sk-test",
      LYZR_BASE_URL: "http://127.0.0.1:9",
      LYZR_TIMEOUT: 1500,
      LYZR_MAX_RETRIES: 0,
      LYZR_ALLOW_INSECURE_HTTP: true,
      get KV(): never {
        throw new Error("a binding that is not LYZR_* was read")
      }
    }
    assert.strictEqual(await buildEnv(env), "built")
  })

  it("the bindings are read inside the fiber that builds the service, not when the layer is made", async () => {
    let reads = 0
    const env = {
      get LYZR_API_KEY() {
        reads++
        return "sk-test"
      }
    }
    const layer = CloudflareLyzr.layerEnv(env)
    assert.strictEqual(reads, 0)
    await Effect.runPromise(Effect.as(AgentSessions, undefined).pipe(Effect.provide(layer)))
    assert.strictEqual(reads, 1)
  })
})

describe("handler, in process", () => {
  it("runs the effect with AgentSessions from options.layer and answers its response", async () => {
    const emulator = Emulator.make()
    const fetch = CloudflareLyzr.handler(
      () => Effect.map(Effect.flatMap(AgentSessions, (s) => s.list("agt_onboarding_bot")), (ids) => Response.json(ids)),
      { layer: inProcess(emulator) }
    )
    const response = await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(await response.json(), [])
    assert.strictEqual(emulator.requests.length, 1)
  })

  it("an SDK error the effect leaves unhandled gets its default answer", async () => {
    const fetch = CloudflareLyzr.handler(
      () => Effect.as(Effect.flatMap(AgentSessions, (s) => s.get("agt_customer_support", "ase_nope")), new Response()),
      { layer: inProcess(Emulator.make()) }
    )
    const response = await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    assert.strictEqual(response.status, 404)
    assert.strictEqual(((await response.json()) as { error: { type: string } }).error.type, "SessionNotFound")
  })

  it("bad bindings are a 500 that echoes nothing; the log names the binding", async () => {
    const lines = captureConsole()
    const fetch = CloudflareLyzr.handler(() => Effect.as(AgentSessions, new Response("unreachable")))
    const response = await fetch(request("/"), { LYZR_API_KEY: "key\r\nx-injected: 1" }, ctx())
    assert.strictEqual(response.status, 500)
    assert.deepStrictEqual(await response.json(), {
      error: { type: "ConfigError", message: "the Worker's Lyzr configuration is invalid" }
    })
    assert.isTrue(
      lines.some((line) => line.includes("the LYZR_* bindings are invalid") && line.includes("LYZR_API_KEY"))
    )
    assert.isFalse(lines.some((line) => line.includes("x-injected")), "the key's value is not logged")
  })

  it("a defect is a 500 InternalError whose body says nothing of it; it is logged", async () => {
    const lines = captureConsole()
    const fetch = CloudflareLyzr.handler(() => Effect.die(new Error("secret internals")), {
      layer: inProcess(Emulator.make())
    })
    const response = await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    assert.strictEqual(response.status, 500)
    const text = await response.text()
    assert.notInclude(text, "secret internals")
    assert.deepStrictEqual(JSON.parse(text), { error: { type: "InternalError", message: "internal error" } })
    assert.isTrue(lines.some((line) => line.includes("secret internals")))
  })

  it("a request whose signal aborts interrupts the effect and is answered 503", async () => {
    const controller = new AbortController()
    const fetch = CloudflareLyzr.handler(() => Effect.as(Effect.never, new Response("never")), {
      layer: inProcess(Emulator.make())
    })
    const pending = fetch(request("/", { signal: controller.signal }), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    controller.abort()
    const response = await pending
    assert.strictEqual(response.status, 503)
    assert.strictEqual(((await response.json()) as { error: { type: string } }).error.type, "Interrupted")
  })

  it("builds the layer per request: a second request gets a service of its own", async () => {
    let built = 0
    const emulator = Emulator.make()
    const fetch = CloudflareLyzr.handler(() => Effect.as(AgentSessions, new Response("ok")), {
      layer: (env: { readonly LYZR_API_KEY?: string }) =>
        Layer.effectDiscard(Effect.sync(() => built++)).pipe(Layer.provideMerge(inProcess(emulator)(env)))
    })
    await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, ctx())
    assert.strictEqual(built, 2)
  })

  it("waitUntil hands the background work to ctx.waitUntil, after the response; failures are logged", async () => {
    const lines = captureConsole()
    const emulator = Emulator.make({ faults: [{ route: "get", fault: { type: "serverError" } }] })
    const context = ctx()
    const fetch = CloudflareLyzr.handler(
      () =>
        Effect.gen(function*() {
          const sessions = yield* AgentSessions
          yield* CloudflareLyzr.waitUntil(sessions.list("agt_customer_support"))
          yield* CloudflareLyzr.waitUntil(sessions.get("agt_customer_support", "ase_customer_support_001"))
          return new Response(null, { status: 202 })
        }),
      { layer: inProcess(emulator) }
    )
    const response = await fetch(request("/"), { LYZR_API_KEY: Emulator.keys.full }, context)
    assert.strictEqual(response.status, 202)
    assert.strictEqual(context.background.length, 2)
    await Promise.all(context.background)
    assert.deepStrictEqual(emulator.requests.map((r) => [r.route, r.status]).sort(), [["get", 500], ["list", 200]])
    assert.isTrue(lines.some((line) => line.includes("background work failed") && line.includes("ServerError")))
  })
})
