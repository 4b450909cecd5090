/**
 * `DenoLyzr.layerConfig` and `DenoLyzr.configProvider` (Effect 4) under Deno: the options are read key by
 * key from `Deno.env` (the suite runs with `--allow-env` naming only the LYZR_* keys).
 */
import { Config } from "effect"
import { Effect } from "effect"
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

/** The `ConfigError` of a failure, and the tag of what caused it (`SourceError` or `SchemaError`). */
const configError = (error: unknown) => {
  assert.ok(error instanceof Config.ConfigError, `not a ConfigError: ${String(error)}`)
  return { message: error.message, cause: error.cause._tag }
}

Deno.test("layerConfig reads the key and base URL from Deno.env", () =>
  withEmulator(({ url }) =>
    withEnv({ LYZR_API_KEY: Emulator.keys.full, LYZR_BASE_URL: url, LYZR_MAX_RETRIES: "0" }, async () => {
      const ids = success(await runConfigured(list("agt_customer_support")))
      assert.equal(ids.length, 3)
    })
  ))

Deno.test("layerConfig without LYZR_API_KEY fails with a ConfigError naming it", () =>
  withEnv({}, async () => {
    const error = configError(failure(await runConfigured(list("agt_customer_support"))))
    assert.match(error.message, /LYZR_API_KEY/)
  }))

Deno.test("layerConfig rejects an unreadable LYZR_TIMEOUT with a ConfigError naming it", () =>
  withEnv({ LYZR_API_KEY: Emulator.keys.full, LYZR_TIMEOUT: "soon" }, async () => {
    const error = configError(failure(await runConfigured(list("agt_customer_support"))))
    assert.match(error.message, /LYZR_TIMEOUT/)
  }))

Deno.test("layerConfig keeps an empty LYZR_BASE_URL as a value and names the variable", () =>
  withEnv({ LYZR_API_KEY: Emulator.keys.full, LYZR_BASE_URL: "" }, async () => {
    const error = configError(failure(await runConfigured(list("agt_customer_support"))))
    assert.match(error.message, /LYZR_BASE_URL/)
  }))

Deno.test("configProvider reads only the keys a Config asks for", () =>
  withEnv({ LYZR_BASE_URL: "http://127.0.0.1:1" }, async () => {
    const value = await Effect.runPromise(Config.String("LYZR_BASE_URL").parse(DenoLyzr.configProvider))
    assert.equal(value, "http://127.0.0.1:1")
  }))

Deno.test("configProvider turns a missing --allow-env into a ConfigError naming the flag", {
  permissions: { env: false }
}, async () => {
  const exit = await Effect.runPromiseExit(Config.String("SOME_OTHER_KEY").parse(DenoLyzr.configProvider))
  const error = configError(failure(exit))
  assert.equal(error.cause, "SourceError")
  assert.match(error.message, /--allow-env=SOME_OTHER_KEY/)
})

Deno.test("layerConfig without --allow-env fails with a ConfigError naming every LYZR_* key", {
  permissions: { env: false }
}, async () => {
  const error = configError(failure(await runConfigured(list("agt_customer_support"))))
  assert.equal(error.cause, "SourceError")
  assert.match(error.message, /LYZR_API_KEY/)
  assert.match(error.message, new RegExp(`--allow-env=${keys.join(",")}$`))
})

Deno.test("layerConfig with --allow-env for the key alone names the flag with every LYZR_* key", {
  permissions: { env: ["LYZR_API_KEY"] }
}, async () => {
  const error = configError(failure(await runConfigured(list("agt_customer_support"))))
  assert.equal(error.cause, "SourceError")
  assert.match(error.message, /variable LYZR_BASE_URL;/)
  assert.match(error.message, new RegExp(`--allow-env=${keys.join(",")}$`))
})
