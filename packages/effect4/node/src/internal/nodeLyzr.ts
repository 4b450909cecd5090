/**
 * `layerConfig`'s source: the `LYZR_*` variables of `process.env`, read when the layer is built, unless the
 * program provides a `ConfigProvider` of its own.
 */
import { AgentSessions } from "@lyzr-effect/effect4-core"
import { Settings } from "@lyzr-effect/wire"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as client from "./undiciClient.ts"

/**
 * The variables `AgentSessions.config` reads, from `process.env` as it is now. Effect's default provider
 * (`ConfigProvider.fromEnv()`) copies the whole environment once, at its first use anywhere in the process,
 * and reads an empty value as a missing one; this one reads only these names, at layer build, and keeps an
 * empty value (`LYZR_BASE_URL=` is then an error naming the variable, as in the Effect 3 line).
 */
export const envProvider = (): ConfigProvider.ConfigProvider => {
  const env: Record<string, string | undefined> = {}
  for (const name of Settings.envNames) env[name] = process.env[name]
  return ConfigProvider.fromEnvRecord(env, { preserveEmptyStrings: true })
}

/** The program's own `ConfigProvider` if it provided one, `process.env` otherwise. */
const provider = Layer.effect(
  ConfigProvider.ConfigProvider,
  Effect.map(
    Effect.context<never>(),
    (context) => Context.getOrUndefined(context, ConfigProvider.ConfigProvider) ?? envProvider()
  )
)

export const layerConfig = AgentSessions.layerConfig.pipe(Layer.provide(client.layer), Layer.provide(provider))
