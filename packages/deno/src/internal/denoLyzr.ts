/**
 * The Deno side of the adapter: `Deno.env` as a `ConfigProvider` read key by key, and Deno's
 * permission errors turned into typed errors that say which flag to add.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { AgentSessions, type AgentSessionsOptions, type AgentSessionsService, Transport } from "@lyzr-effect/core"
import { Settings } from "@lyzr-effect/wire"
import * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as ConfigProviderPathPatch from "effect/ConfigProviderPathPatch"
import * as Effect from "effect/Effect"
import * as HashSet from "effect/HashSet"
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

/** `Deno.env.get`, with Deno's refusal as a `ConfigError` whose message names the flag to add. */
const readEnv = (
  path: ReadonlyArray<string>,
  key: string,
  allowEnv: ReadonlyArray<string>
): Effect.Effect<string | undefined, ConfigError.ConfigError> =>
  Effect.suspend(() => {
    const env = denoEnv()
    if (env === undefined) {
      return Effect.fail(ConfigError.SourceUnavailable(
        [...path],
        `${key} cannot be read: Deno.env is not available (not running under Deno)`,
        Cause.empty
      ))
    }
    try {
      return Effect.succeed(env.get(key))
    } catch (error) {
      return Effect.fail(ConfigError.SourceUnavailable(
        [...path],
        isPermissionError(error)
          ? `Deno has no permission to read the environment variable ${key}; run with --allow-env=${allowEnv.join(",")}`
          : `${key} could not be read from Deno.env (${describe(error)})`,
        // The reason as text: a Deno error object would print its stack along with the cause.
        Cause.fail(describe(error))
      ))
    }
  })

/**
 * A flat provider over `Deno.env.get`: each key is read when a `Config` asks for it, so
 * `--allow-env=KEY,...` naming just those keys suffices (enumerating the environment would need
 * the whole of `--allow-env`). Nested keys join with `_`; maps cannot be enumerated.
 */
export const configProvider: ConfigProvider.ConfigProvider = ConfigProvider.fromFlat(ConfigProvider.makeFlat({
  load: <A>(path: ReadonlyArray<string>, primitive: Config.Config.Primitive<A>, split: boolean) => {
    const key = path.join("_")
    return Effect.flatMap(
      readEnv(path, key, [key]),
      (value): Effect.Effect<Array<A>, ConfigError.ConfigError> =>
        value === undefined
          ? Effect.fail(ConfigError.MissingData([...path], `Expected ${key} to be set in the environment`))
          : ConfigProvider.fromMap(new Map([[key, value]]), { pathDelim: "_" }).flattened.load(path, primitive, split)
    )
  },
  enumerateChildren: () => Effect.succeed(HashSet.empty()),
  patch: ConfigProviderPathPatch.empty
}))

/**
 * Fails at the first LYZR_* key Deno refuses, naming all of them in the flag. Needed because
 * `Config.redacted` (the API key's config) replaces every error message of its key with
 * "<redacted>", which would hide the hint; one error also reads better than five.
 */
const checkEnvPermissions: Effect.Effect<void, ConfigError.ConfigError> = Effect.forEach(
  configKeys,
  (key) => readEnv([key], key, configKeys),
  { discard: true }
)

/**
 * Core's service. A missing `--allow-net` needs no wrapper: the wire reads Deno's `NotCapable` as a
 * permission failure, not transient (so not retried), whose message names the flag.
 */
export const make = (
  options: AgentSessionsOptions
): Effect.Effect<AgentSessionsService, ConfigError.ConfigError, HttpClient.HttpClient> => AgentSessions.make(options)

export const layer = (options: AgentSessionsOptions): Layer.Layer<AgentSessions, ConfigError.ConfigError> =>
  Layer.effect(AgentSessions, make(options)).pipe(Layer.provide(Transport.layerFetch))

export const layerConfig: Layer.Layer<AgentSessions, ConfigError.ConfigError> = Layer.effect(
  AgentSessions,
  checkEnvPermissions.pipe(
    Effect.zipRight(Effect.withConfigProvider(AgentSessions.config, configProvider)),
    Effect.flatMap(make)
  )
).pipe(Layer.provide(Transport.layerFetch))
