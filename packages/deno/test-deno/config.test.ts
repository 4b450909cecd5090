/**
 * `DenoLyzr.layerConfig` and `DenoLyzr.configProvider` under Deno: the options are read key by key
 * from `Deno.env` (the suite runs with `--allow-env` naming only the LYZR_* keys).
 */
import { Config, ConfigError, Effect, Exit } from "effect"
import { strict as assert } from "node:assert"
import { DenoLyzr } from "../src/index.ts"
import { AgentSessions, Emulator, failure, list, success, withEmulator } from "./support.ts"

const keys = ["LYZR_API_KEY", "LYZR_BASE_URL", "LYZR_TIMEOUT", "LYZR_MAX_RETRIES", "LYZR_ALLOW_INSECURE_HTTP"]

/** Sets the LYZR_* variables for one test and restores the environment afterwards. */
const withEnv = async <A>(values: Record<string, string>, f: () => Promise<A>): Promise<A> => {
  const before = new Map(keys.map((key) => [key, Deno.env.get(key)]))
  for (const key of keys) Deno.env.delete(key)
  for (const [key, value] of Object.entries(values)) Deno.env.set(key, value)
  try {
    return await f()
  } finally {
    for (const [key, value] of before) value === undefined ? Deno.env.delete(key) : Deno.env.set(key, value)
  }
}

const runConfigured = <A, E>(program: Effect.Effect<A, E, AgentSessions>) =>
  Effect.runPromiseExit(program.pipe(Effect.provide(DenoLyzr.layerConfig)))

Deno.test("layerConfig reads the key and base URL from Deno.env", () =>
  withEmulator(({ url }) =>
    withEnv({ LYZR_API_KEY: Emulator.keys.full, LYZR_BASE_URL: url, LYZR_MAX_RETRIES: "0" }, async () => {
      const ids = success(await runConfigured(list("agt_customer_support")))
      assert.equal(ids.length, 3)
    })
  ))

Deno.test("layerConfig without LYZR_API_KEY fails with a ConfigError naming it", () =>
  withEnv({}, async () => {
    const exit = await runConfigured(list("agt_customer_support"))
    const error = failure(exit)
    assert.ok(ConfigError.isConfigError(error))
    assert.match(String(error), /LYZR_API_KEY/)
  }))

Deno.test("layerConfig rejects an unreadable LYZR_TIMEOUT with a ConfigError", () =>
  withEnv({ LYZR_API_KEY: Emulator.keys.full, LYZR_TIMEOUT: "soon" }, async () => {
    const error = failure(await runConfigured(list("agt_customer_support")))
    assert.ok(ConfigError.isConfigError(error))
    assert.match(String(error), /LYZR_TIMEOUT/)
  }))

Deno.test("configProvider reads only the keys a Config asks for", () =>
  withEnv({ LYZR_BASE_URL: "http://127.0.0.1:1" }, async () => {
    const value = await Effect.runPromise(
      Effect.withConfigProvider(Config.string("LYZR_BASE_URL"), DenoLyzr.configProvider)
    )
    assert.equal(value, "http://127.0.0.1:1")
  }))

Deno.test("configProvider turns a missing --allow-env into a ConfigError naming the flag", {
  permissions: { env: false }
}, async () => {
  const exit = await Effect.runPromiseExit(
    Effect.withConfigProvider(Config.string("SOME_OTHER_KEY"), DenoLyzr.configProvider)
  )
  assert.ok(Exit.isFailure(exit))
  const error = failure(exit)
  assert.ok(ConfigError.isConfigError(error) && error._op === "SourceUnavailable", String(error))
  assert.match(String(error), /--allow-env=SOME_OTHER_KEY/)
})

Deno.test("layerConfig without --allow-env fails with a ConfigError naming every LYZR_* key", {
  permissions: { env: false }
}, async () => {
  const error = failure(await runConfigured(list("agt_customer_support")))
  assert.ok(ConfigError.isConfigError(error))
  assert.ok(ConfigError.isConfigError(error) && error._op === "SourceUnavailable", String(error))
  assert.deepEqual(error.path, ["LYZR_API_KEY"])
  assert.match(error.message, new RegExp(`--allow-env=${keys.join(",")}$`))
})

Deno.test("layerConfig with --allow-env for the key alone names the flag with every LYZR_* key", {
  permissions: { env: ["LYZR_API_KEY"] }
}, async () => {
  const error = failure(await runConfigured(list("agt_customer_support")))
  assert.ok(ConfigError.isConfigError(error) && error._op === "SourceUnavailable", String(error))
  assert.deepEqual(error.path, ["LYZR_BASE_URL"])
  assert.match(error.message, new RegExp(`--allow-env=${keys.join(",")}$`))
})
