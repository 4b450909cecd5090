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
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
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

describe("handler, the service it keeps per set of bindings (in process)", () => {
  /** A handler whose effect hands back the service it was given, without calling it. */
  const keeping = (options?: CloudflareLyzr.HandlerOptions<object>) => {
    const seen: Array<unknown> = []
    const fetch = CloudflareLyzr.handler(
      () => Effect.map(AgentSessions, (service) => (seen.push(service), new Response("ok"))),
      options
    )
    const call = async (env: object) => {
      const response = await fetch(request("/"), env, ctx())
      assert.strictEqual(response.status, 200, await response.clone().text())
      return seen.at(-1)
    }
    return { fetch, call }
  }
  const bindings = (key: string, extra: object = {}) => ({ LYZR_API_KEY: key, LYZR_MAX_RETRIES: "0", ...extra })

  it("equal LYZR_* values share one service, whatever the env object; a changed value gets its own", async () => {
    const { call } = keeping()
    const first = await call(bindings("sk-a"))
    assert.strictEqual(await call(bindings("sk-a", { OTHER: "ignored" })), first)
    const rotated = await call(bindings("sk-b"))
    assert.notStrictEqual(rotated, first)
    assert.notStrictEqual(await call(bindings("sk-a", { LYZR_TIMEOUT: "5 seconds" })), first)
    assert.strictEqual(await call(bindings("sk-a")), first)
  })

  it("keeps at most 8 sets: the oldest is dropped and rebuilt when it comes back", async () => {
    const { call } = keeping()
    const services = []
    for (let i = 0; i < 9; i++) services.push(await call(bindings(`sk-${i}`)))
    // sk-1 .. sk-8 are kept; sk-0 was dropped when sk-8 came.
    for (let i = 1; i < 9; i++) assert.strictEqual(await call(bindings(`sk-${i}`)), services[i], `sk-${i}`)
    assert.notStrictEqual(await call(bindings("sk-0")), services[0])
  })

  it("each handler keeps its own services", async () => {
    const a = keeping()
    const b = keeping()
    assert.notStrictEqual(await a.call(bindings("sk-a")), await b.call(bindings("sk-a")))
  })

  it("applies overrides over the bindings, once per set of bindings", async () => {
    let transformed = 0
    const { call } = keeping({ overrides: { transformClient: (client) => (transformed++, client) } })
    await call(bindings("sk-a"))
    await call(bindings("sk-a"))
    await call(bindings("sk-b"))
    assert.strictEqual(transformed, 2)
    const lines = captureConsole()
    const refused = CloudflareLyzr.handler(() => Effect.as(AgentSessions, new Response("unreachable")), {
      overrides: { maxRetries: -1 }
    })
    const response = await refused(request("/"), bindings("sk-a"), ctx())
    assert.strictEqual(response.status, 500)
    assert.isTrue(lines.some((line) => line.includes("the LYZR_* bindings are invalid")))
  })

  it("stores no failed build: bad bindings are refused on every request", async () => {
    captureConsole()
    let reads = 0
    const env = {
      get LYZR_API_KEY() {
        reads++
        return "sk-bad\nkey"
      }
    }
    const fetch = CloudflareLyzr.handler(() => Effect.as(AgentSessions, new Response("unreachable")))
    for (let i = 0; i < 3; i++) assert.strictEqual((await fetch(request("/"), env, ctx())).status, 500)
    // Each request reads the key twice: once for the cache key, once to build.
    assert.strictEqual(reads, 6)
  })

  it("stores nothing when the request is cancelled mid-build; the next request builds and keeps it", async () => {
    let reads = 0
    const controller = new AbortController()
    const env = {
      get LYZR_API_KEY() {
        // The first read is the cache key, the second the build's own: abort there, mid-build.
        if (++reads === 2) controller.abort()
        return "sk-test"
      }
    }
    const seen: Array<unknown> = []
    const fetch = CloudflareLyzr.handler(() => Effect.map(AgentSessions, (s) => (seen.push(s), new Response("ok"))))
    const aborted = await fetch(request("/", { signal: controller.signal }), env, ctx())
    assert.strictEqual(aborted.status, 503)
    assert.deepStrictEqual(seen, [])
    assert.strictEqual((await fetch(request("/"), env, ctx())).status, 200)
    assert.strictEqual(reads, 4, "not cached by the cancelled request: built again")
    assert.strictEqual((await fetch(request("/"), env, ctx())).status, 200)
    assert.strictEqual(reads, 5, "kept by the one that completed: only the cache key is read")
    assert.strictEqual(seen.length, 2)
    assert.strictEqual(seen[0], seen[1])
  })
})

describe("handler, what the kept service holds (in process)", () => {
  it("nothing of the request that built it: its ctx and request are collected once it is answered", async () => {
    // V8's collector, reached without --expose-gc on the command line.
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    const fetch = CloudflareLyzr.handler(() => Effect.as(AgentSessions, new Response("ok")))
    const env = { LYZR_API_KEY: "sk-test" }
    const first = async () => {
      const context = ctx()
      const req = request("/")
      assert.strictEqual((await fetch(req, env, context)).status, 200)
      return [new WeakRef(context), new WeakRef(req)] as const
    }
    const refs = await first()
    // The service is kept: a second request with the same bindings reuses it.
    assert.strictEqual((await fetch(request("/"), env, ctx())).status, 200)
    for (let i = 0; i < 5 && refs.some((ref) => ref.deref() !== undefined); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      gc()
    }
    assert.deepStrictEqual(refs.map((ref) => ref.deref() === undefined), [true, true])
  })
})
