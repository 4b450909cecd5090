/**
 * Configuration problems are `ConfigError`s that name what the user set: the option for `AgentSessions.layer`,
 * the `LYZR_*` variable for `AgentSessions.layerConfig` (Effect 4's `ConfigProvider`). The key is never in one.
 */
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigProvider, Duration, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { AgentSessions, type AgentSessionsOptions } from "../src/index.ts"
import { agent, fakeServer, json, never, testKey } from "./support.ts"

/** The layer's build error (a `Config.ConfigError`), or a test failure if it builds. */
const buildError = (layer: Layer.Layer<AgentSessions, Config.ConfigError>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Layer.build(layer).pipe(Effect.scoped))
    assert.isTrue(Exit.isFailure(exit), "the layer was expected to fail")
    const error = yield* Effect.flip(Layer.build(layer).pipe(Effect.scoped))
    assert.instanceOf(error, Config.ConfigError)
    assert.notInclude(error.message, testKey)
    assert.notInclude(String(error), testKey)
    return error
  })

const withOptions = (options: Partial<AgentSessionsOptions>) =>
  AgentSessions.layer({ apiKey: testKey, ...options } as AgentSessionsOptions).pipe(
    Layer.provide(fakeServer(() => json(200, { sessions: [] })).layer)
  )

const fromEnv = (env: Record<string, string>) =>
  AgentSessions.layerConfig.pipe(
    Layer.provide(fakeServer(() => json(200, { sessions: [] })).layer),
    Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(env, { preserveEmptyStrings: true })))
  )

describe("options", () => {
  const cases: ReadonlyArray<[string, Partial<AgentSessionsOptions>, string]> = [
    [
      "an undefined key",
      { apiKey: undefined as unknown as string },
      "apiKey: is undefined; pass the API key as a string"
    ],
    ["an empty key", { apiKey: "" }, "apiKey: the API key is empty"],
    ["a key with CR/LF", { apiKey: `${testKey}\r\nx-evil: 1` }, "apiKey: the API key contains a line break (CR or LF)"],
    [
      "a Redacted key with CR/LF",
      { apiKey: Redacted.make(`${testKey}\n`) },
      "apiKey: the API key contains a line break"
    ],
    ["a base URL that is not http(s)", { baseUrl: "ftp://example.com" }, "baseUrl: must use https (got ftp:)"],
    ["plain http to another host", { baseUrl: "http://api.example.com" }, "set allowInsecureHttp: true"],
    ["a zero timeout", { timeout: 0 }, "timeout: must be a finite duration of more than 0, got 0 ms"],
    [
      "a timeout that is not a duration",
      { timeout: "soon" as Duration.Input },
      "timeout: must be milliseconds or a duration"
    ],
    ["negative retries", { maxRetries: -1 }, "maxRetries: must be a whole number of at least 0, got -1"],
    ["a zero body cap", { maxResponseBytes: 0 }, "maxResponseBytes: must be a whole number of at least 1"],
    ["fractional redirects", { maxRedirects: 1.5 }, "maxRedirects: must be a whole number of at least 0, got 1.5"]
  ]
  for (const [name, options, message] of cases) {
    it.effect(`${name} fails the layer naming the option`, () =>
      Effect.gen(function*() {
        const error = yield* buildError(withOptions(options))
        assert.include(error.message, message)
      }))
  }

  it.effect("plain http to a loopback host, or with allowInsecureHttp, builds", () =>
    Effect.gen(function*() {
      yield* Layer.build(withOptions({ baseUrl: "http://127.0.0.1:8080" })).pipe(Effect.scoped)
      yield* Layer.build(withOptions({ baseUrl: "http://api.example.com", allowInsecureHttp: true })).pipe(
        Effect.scoped
      )
    }))
})

describe("LYZR_* variables through ConfigProvider", () => {
  const cases: ReadonlyArray<[string, Record<string, string>, string]> = [
    ["a missing key", {}, "LYZR_API_KEY: is not set"],
    ["an empty key", { LYZR_API_KEY: "" }, "LYZR_API_KEY: the API key is empty"],
    [
      "a bad base URL",
      { LYZR_API_KEY: testKey, LYZR_BASE_URL: "not a url" },
      "LYZR_BASE_URL: \"not a url\" is not a valid URL"
    ],
    [
      "plain http to another host",
      { LYZR_API_KEY: testKey, LYZR_BASE_URL: "http://api.example.com" },
      "set LYZR_ALLOW_INSECURE_HTTP=true"
    ],
    [
      "a bad timeout",
      { LYZR_API_KEY: testKey, LYZR_TIMEOUT: "5 fortnights" },
      "LYZR_TIMEOUT: must be milliseconds or a duration"
    ],
    ["a zero timeout", { LYZR_API_KEY: testKey, LYZR_TIMEOUT: "0" }, "LYZR_TIMEOUT: must be more than 0"],
    [
      "retries that are not a count",
      { LYZR_API_KEY: testKey, LYZR_MAX_RETRIES: "many" },
      "LYZR_MAX_RETRIES: must be a whole number of at least 0, got \"many\""
    ],
    [
      "a flag that is not a boolean",
      { LYZR_API_KEY: testKey, LYZR_ALLOW_INSECURE_HTTP: "maybe" },
      "LYZR_ALLOW_INSECURE_HTTP"
    ]
  ]
  for (const [name, env, message] of cases) {
    it.effect(`${name} fails layerConfig naming the variable`, () =>
      Effect.gen(function*() {
        const error = yield* buildError(fromEnv(env))
        assert.include(error.message, message)
      }))
  }

  it.effect("config reads every variable: the key Redacted, the timeout in ms or as a duration", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) => AgentSessions.config.parse(ConfigProvider.fromEnvRecord(env))
      const options = yield* read({
        LYZR_API_KEY: testKey,
        LYZR_BASE_URL: "http://api.example.com",
        LYZR_TIMEOUT: "1500",
        LYZR_MAX_RETRIES: "4",
        LYZR_ALLOW_INSECURE_HTTP: "true"
      })
      assert.isTrue(Redacted.isRedacted(options.apiKey))
      assert.strictEqual(Redacted.value(options.apiKey as Redacted.Redacted<string>), testKey)
      assert.notInclude(JSON.stringify(options), testKey)
      assert.strictEqual(options.baseUrl, "http://api.example.com")
      assert.isTrue(Duration.equals(Duration.fromInputUnsafe(options.timeout!), Duration.millis(1500)))
      assert.strictEqual(options.maxRetries, 4)
      assert.isTrue(options.allowInsecureHttp)
      const seconds = yield* read({ LYZR_API_KEY: testKey, LYZR_TIMEOUT: "10 seconds" })
      assert.isTrue(Duration.equals(Duration.fromInputUnsafe(seconds.timeout!), Duration.seconds(10)))
    }))

  it.effect("a service from layerConfig names LYZR_TIMEOUT when an attempt times out", () =>
    Effect.gen(function*() {
      const server = fakeServer(never)
      const layer = AgentSessions.layerConfig.pipe(
        Layer.provide(server.layer),
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord({
          LYZR_API_KEY: testKey,
          LYZR_TIMEOUT: "1500",
          LYZR_MAX_RETRIES: "0"
        }))),
        Layer.orDie
      )
      const fiber = yield* Effect.flatMap(AgentSessions, (s) => s.list(agent)).pipe(
        Effect.provide(layer),
        Effect.flip,
        Effect.forkChild
      )
      yield* TestClock.adjust("1500 millis")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "RequestTimeout")
      assert.include(error.message, "took longer than 1.5 s (the per-attempt LYZR_TIMEOUT)")
      assert.strictEqual(server.sent[0]!.headers.get("x-api-key"), testKey)
    }))
})
