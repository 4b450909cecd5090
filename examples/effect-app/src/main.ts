/**
 * `pnpm --filter @lyzr-effect/example-effect-app start`: the dashboard on http://127.0.0.1:3000
 * (PORT, HOST). With LYZR_API_KEY set it reads the real service (LYZR_BASE_URL etc. as usual);
 * without, it serves the in-process emulator's sample agents.
 *
 *   curl http://127.0.0.1:3000/agents/agt_customer_support/sessions
 *   curl http://127.0.0.1:3000/agents/agt_customer_support/sessions/ase_customer_support_001
 */
import { HttpServer } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { AgentSessions } from "@lyzr-effect/core"
import { Emulator, EmulatorHttpClient } from "@lyzr-effect/emulator"
import { NodeLyzr } from "@lyzr-effect/node"
import { Config, Effect, Layer, Option } from "effect"
import * as Server from "./Server.ts"

const AgentSessionsLive = Layer.unwrapEffect(
  Effect.gen(function*() {
    const key = yield* Config.option(Config.redacted("LYZR_API_KEY"))
    if (Option.isSome(key)) return NodeLyzr.layerConfig
    yield* Effect.logInfo("LYZR_API_KEY is not set: serving the in-process emulator's sample agents")
    return AgentSessions.layer({ apiKey: Emulator.keys.full }).pipe(
      Layer.provide(EmulatorHttpClient.layerHttpClient(Emulator.make({ listShape: "live" })))
    )
  })
)

const Main = Layer.unwrapEffect(
  Effect.gen(function*() {
    const port = yield* Config.withDefault(Config.integer("PORT"), 3000)
    const host = yield* Config.withDefault(Config.string("HOST"), "127.0.0.1")
    return Server.layer({ port, host }).pipe(HttpServer.withLogAddress)
  })
).pipe(Layer.provide(AgentSessionsLive))

Layer.launch(Main).pipe(NodeRuntime.runMain)
