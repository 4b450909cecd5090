import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Duration, Effect, Exit, Fiber, Layer, Redacted, TestClock } from "effect"
import { AgentSessions } from "../src/index.ts"
import type { AgentSessionsError } from "../src/index.ts"
import { failureOf, fakeServer, json, never, testKey, text } from "./support.ts"
import type { Handler } from "./support.ts"

type Service = AgentSessions["Type"]
const list = (s: Service) => s.list("agent-1")
const ok = () => json(200, { sessions: ["s1"] })

const provider = (env: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(env)))

/** Starts `list` in a fiber on `AgentSessions.layerConfig`, configured from `env`. */
const startFromEnv = (env: Record<string, string>, handler: Handler = ok) =>
  Effect.gen(function*() {
    const server = fakeServer(handler)
    const layer = AgentSessions.layerConfig.pipe(Layer.provide(server.layer))
    const fiber = yield* Effect.fork(
      Effect.exit(
        Effect.flatMap(AgentSessions, list).pipe(Effect.provide(layer), Effect.withConfigProvider(provider(env)))
      )
    )
    return { fiber, sent: server.sent }
  })

const loadOptions = (env: Record<string, string>) =>
  Effect.exit(AgentSessions.config.pipe(Effect.withConfigProvider(provider(env))))

describe("layerConfig", () => {
  it.effect("reads LYZR_API_KEY and LYZR_BASE_URL", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* startFromEnv({
        LYZR_API_KEY: testKey,
        LYZR_BASE_URL: "https://agent-prod.studio.lyzr.ai"
      })
      assert.deepStrictEqual(yield* Fiber.join(fiber), Exit.succeed(["s1"]))
      assert.strictEqual(sent[0]!.url.href, "https://agent-prod.studio.lyzr.ai/v1/agent/agent-1/sessions")
      assert.strictEqual(sent[0]!.headers.get("x-api-key"), testKey)
    }))

  it.effect("uses the default base URL without LYZR_BASE_URL", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* startFromEnv({ LYZR_API_KEY: testKey })
      yield* Fiber.join(fiber)
      assert.strictEqual(sent[0]!.url.origin, "https://agent-prod.studio.lyzr.ai")
    }))

  for (const timeout of ["2000", "2 seconds"]) {
    it.effect(`reads LYZR_TIMEOUT=${JSON.stringify(timeout)} as 2 s per attempt`, () =>
      Effect.gen(function*() {
        const { fiber } = yield* startFromEnv(
          { LYZR_API_KEY: testKey, LYZR_TIMEOUT: timeout, LYZR_MAX_RETRIES: "0" },
          never
        )
        yield* TestClock.adjust("1999 millis")
        assert.strictEqual((yield* Fiber.poll(fiber))._tag, "None")
        yield* TestClock.adjust("1 millis")
        const error = failureOf(yield* Fiber.join(fiber)) as AgentSessionsError
        assert.strictEqual(error._tag, "RequestTimeout")
      }))
  }

  it.effect("reads LYZR_MAX_RETRIES", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* startFromEnv({ LYZR_API_KEY: testKey, LYZR_MAX_RETRIES: "1" }, () => text(503, ""))
      yield* TestClock.adjust("10 seconds")
      assert.isTrue(Exit.isFailure(yield* Fiber.join(fiber)))
      assert.strictEqual(sent.length, 2)
    }))

  it.effect("reads LYZR_ALLOW_INSECURE_HTTP", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* startFromEnv({
        LYZR_API_KEY: testKey,
        LYZR_BASE_URL: "http://lyzr.internal",
        LYZR_ALLOW_INSECURE_HTTP: "true"
      })
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
      assert.strictEqual(sent[0]!.url.origin, "http://lyzr.internal")
    }))

  it.effect("fails with a ConfigError when LYZR_API_KEY is missing", () =>
    Effect.gen(function*() {
      const { fiber, sent } = yield* startFromEnv({ LYZR_BASE_URL: "https://agent-prod.studio.lyzr.ai" })
      const error = failureOf(yield* Fiber.join(fiber))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "LYZR_API_KEY")
      assert.strictEqual(sent.length, 0)
    }))

  it.effect("fails with a ConfigError for a plain-http LYZR_BASE_URL on a non-loopback host", () =>
    Effect.gen(function*() {
      const { fiber } = yield* startFromEnv({
        LYZR_API_KEY: testKey,
        LYZR_BASE_URL: "http://agent-prod.studio.lyzr.ai"
      })
      assert.isTrue(ConfigError.isConfigError(failureOf(yield* Fiber.join(fiber))))
    }))

  it.effect("fails with a ConfigError for a LYZR_API_KEY with a line break, without showing it", () =>
    Effect.gen(function*() {
      const { fiber } = yield* startFromEnv({ LYZR_API_KEY: `${testKey}\r\n` })
      const error = failureOf(yield* Fiber.join(fiber))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.notInclude(String(error), testKey)
      assert.notInclude(JSON.stringify(error), testKey)
    }))
})

describe("AgentSessions.config", () => {
  it.effect("keeps the key Redacted: its toString and JSON do not show it", () =>
    Effect.gen(function*() {
      const exit = yield* loadOptions({ LYZR_API_KEY: testKey })
      if (Exit.isFailure(exit)) return assert.fail(String(exit.cause))
      const { apiKey } = exit.value
      assert.isTrue(Redacted.isRedacted(apiKey))
      assert.strictEqual(String(apiKey), "<redacted>")
      assert.notInclude(JSON.stringify(exit.value), testKey)
      assert.strictEqual(Redacted.value(apiKey as Redacted.Redacted<string>), testKey)
    }))

  it.effect("reads LYZR_TIMEOUT in milliseconds", () =>
    Effect.gen(function*() {
      const exit = yield* loadOptions({ LYZR_API_KEY: testKey, LYZR_TIMEOUT: "1500" })
      if (Exit.isFailure(exit)) return assert.fail(String(exit.cause))
      assert.deepStrictEqual(Duration.decode(exit.value.timeout!), Duration.millis(1500))
    }))

  it.effect("reads LYZR_TIMEOUT as a duration", () =>
    Effect.gen(function*() {
      const exit = yield* loadOptions({ LYZR_API_KEY: testKey, LYZR_TIMEOUT: "45 seconds" })
      if (Exit.isFailure(exit)) return assert.fail(String(exit.cause))
      assert.deepStrictEqual(Duration.decode(exit.value.timeout!), Duration.seconds(45))
    }))

  it.effect("leaves unset options undefined, so the defaults apply", () =>
    Effect.gen(function*() {
      const exit = yield* loadOptions({ LYZR_API_KEY: testKey })
      if (Exit.isFailure(exit)) return assert.fail(String(exit.cause))
      assert.strictEqual(exit.value.baseUrl, undefined)
      assert.strictEqual(exit.value.timeout, undefined)
      assert.strictEqual(exit.value.maxRetries, undefined)
      assert.strictEqual(exit.value.allowInsecureHttp, false)
    }))

  for (
    const [name, value] of [["LYZR_TIMEOUT", "soon"], ["LYZR_MAX_RETRIES", "-1"], ["LYZR_MAX_RETRIES", "two"], [
      "LYZR_ALLOW_INSECURE_HTTP",
      "maybe"
    ]]
  ) {
    it.effect(`fails with a ConfigError for ${name}=${JSON.stringify(value)}`, () =>
      Effect.gen(function*() {
        const exit = yield* loadOptions({ LYZR_API_KEY: testKey, [name!]: value! })
        const error = failureOf(exit)
        assert.isTrue(ConfigError.isConfigError(error))
        assert.include(String(error), name!)
      }))
  }
})
