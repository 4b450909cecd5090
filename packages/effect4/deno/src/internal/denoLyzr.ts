/**
 * The Deno side of the adapter: `Deno.env` as a `ConfigProvider` read key by key, and Deno's permission
 * errors turned into typed errors that say which flag to add.
 */
import { AgentSessions, type AgentSessionsOptions, Transport } from "@lyzr-effect/effect4-core"
import { Settings } from "@lyzr-effect/wire"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

// The little of the Deno namespace used here, typed locally so the package also type-checks under
// Node's tsc (the root `tsc -b`), where there is no `Deno` global.
interface DenoEnv {
  get(key: string): string | undefined
}
const denoEnv = (): DenoEnv | undefined =>
  (globalThis as unknown as { readonly Deno?: { readonly env?: DenoEnv } }).Deno?.env

/** The variables `AgentSessions.config` reads, in the order `--allow-env` should name them. */
export const configKeys: ReadonlyArray<string> = Settings.envNames

/** NotCapable (Deno 2: a permission that was not granted) or PermissionDenied (denied by the OS or --deny-*). */
const isPermissionError = (error: unknown): error is Error =>
  error instanceof Error && (error.name === "NotCapable" || error.name === "PermissionDenied")

const describe = (
  error: unknown
): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error))

/** `Deno.env.get`, with Deno's refusal as a `SourceError` whose message names the flag to add. */
const readEnv = (
  key: string,
  allowEnv: ReadonlyArray<string>
): Effect.Effect<string | undefined, ConfigProvider.SourceError> =>
  Effect.suspend(() => {
    const env = denoEnv()
    if (env === undefined) {
      return Effect.fail(
        new ConfigProvider.SourceError({
          message: `${key} cannot be read: Deno.env is not available (not running under Deno)`
        })
      )
    }
    try {
      return Effect.succeed(env.get(key))
    } catch (error) {
      return Effect.fail(
        new ConfigProvider.SourceError({
          message: isPermissionError(error)
            ? `Deno has no permission to read the environment variable ${key}; run with --allow-env=${
              allowEnv.join(",")
            }`
            : `${key} could not be read from Deno.env (${describe(error)})`,
          // The reason as text: a Deno error object would print its stack along with the cause.
          cause: describe(error)
        })
      )
    }
  })

/**
 * A flat provider over `Deno.env.get`: each key is read when a `Config` asks for it, so `--allow-env=KEY,...`
 * naming just those keys suffices (enumerating the environment, as `ConfigProvider.fromEnv()` does, needs the
 * whole of `--allow-env`). Path segments join with `_`. An empty value is kept (`LYZR_BASE_URL=` is then an
 * error naming the variable, as in the Effect 3 line and on Node), not read as a missing one.
 */
export const configProvider: ConfigProvider.ConfigProvider = ConfigProvider.make((path) => {
  const key = path.join("_")
  return Effect.map(readEnv(key, [key]), (value) => value === undefined ? undefined : ConfigProvider.makeValue(value))
})

/**
 * Fails at the first LYZR_* key Deno refuses, naming all of them in the flag: one error that says
 * everything to grant reads better than five.
 */
const checkEnvPermissions: Effect.Effect<void, Config.ConfigError> = Effect.forEach(
  configKeys,
  (key) => readEnv(key, configKeys),
  { discard: true }
).pipe(Effect.mapError((error) => new Config.ConfigError(error)))

/**
 * Core's service over `Transport.layerFetch` (the attempt's deadline and the body cap in fetch,
 * `redirect: "manual"`). A missing `--allow-net` needs no wrapper: the wire reads Deno's `NotCapable` as a
 * permission failure, not transient (so not retried), whose message names the flag.
 */
export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, Config.ConfigError> =>
  AgentSessions.layer(options).pipe(Layer.provide(Transport.layerFetch))

export const layerConfig: Layer.Layer<AgentSessions, Config.ConfigError> = Layer.effect(
  AgentSessions,
  checkEnvPermissions.pipe(
    Effect.andThen(AgentSessions.config.parse(configProvider)),
    Effect.flatMap(AgentSessions.make)
  )
).pipe(Layer.provide(Transport.layerFetch))
