/**
 * The dashboard served over HTTP: the `DashboardApi` handlers, on `Dashboard`, on `AgentSessions`,
 * all wired with layers. Which `AgentSessions` (Node's undici pool or the emulator) and which port
 * are the caller's choice, so the tests run the very same server.
 */
import { HttpApiBuilder, type HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import type { AgentSessions } from "@lyzr-effect/core"
import { type Duration, Effect, Layer } from "effect"
import { createServer } from "node:http"
import { DashboardApi } from "./Api.ts"
import * as ConsoleTracer from "./ConsoleTracer.ts"
import { Dashboard } from "./Dashboard.ts"

/** The handlers: each endpoint delegates to `Dashboard`, whose errors are already the API's. */
export const SessionsLive = HttpApiBuilder.group(DashboardApi, "sessions", (handlers) =>
  Effect.gen(function*() {
    const dashboard = yield* Dashboard
    return handlers
      .handle("summary", ({ path }) => dashboard.summary(path.agentId))
      .handle("session", ({ path }) => dashboard.session(path.agentId, path.sessionId))
  }))

export const ApiLive = HttpApiBuilder.api(DashboardApi).pipe(Layer.provide(SessionsLive))

export interface ServerOptions {
  readonly port: number
  readonly host: string
  /** Where span lines go (default: stdout). */
  readonly printSpan?: (line: string) => void
  readonly cacheTtl?: Duration.DurationInput
}

/**
 * The running server, as a layer: requires `AgentSessions` and nothing else. `HttpServer.HttpServer`
 * stays in the output so callers (the tests) can read the bound address.
 */
export const layer = (options: ServerOptions): Layer.Layer<HttpServer.HttpServer, never, AgentSessions> =>
  HttpApiBuilder.serve().pipe(
    Layer.provide(ApiLive),
    Layer.provide(Dashboard.layer(options.cacheTtl === undefined ? {} : { cacheTtl: options.cacheTtl })),
    Layer.provideMerge(NodeHttpServer.layer(createServer, { port: options.port, host: options.host })),
    Layer.provide(ConsoleTracer.layer(options.printSpan)),
    Layer.orDie
  )
