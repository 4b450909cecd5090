/**
 * What is measured: one request (and its decode) per call, run `n` times by `concurrency` workers.
 * Effect contenders run on a `ManagedRuntime` built once, so layer construction is not timed.
 */
import { FetchHttpClient, HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { AgentSession, AgentSessions } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import * as Undici from "undici"
import { agentId, apiKey, getPath, isSession, listIds, listPath, sessionId } from "./fixtures.ts"

export type Kind = "get" | "list"

export interface Contender {
  readonly name: string
  readonly kind: Kind
  /** Performs `n` requests with `concurrency` in flight. */
  readonly run: (n: number, concurrency: number) => Promise<void>
  readonly dispose: () => Promise<void>
}

const headers = { "x-api-key": apiKey, accept: "application/json" }

const promisePool = async (n: number, concurrency: number, one: () => Promise<void>): Promise<void> => {
  let started = 0
  const worker = async () => {
    while (started < n) {
      started++
      await one()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}

/** `n` runs of `one` by `concurrency` fibers. */
export const effectPool = <E, R>(n: number, concurrency: number, one: Effect.Effect<unknown, E, R>) =>
  Effect.suspend(() => {
    let started = 0
    const worker = Effect.whileLoop({
      while: () => started < n,
      body: () => {
        started++
        return one
      },
      step: () => {}
    })
    return Effect.all(Array.from({ length: Math.min(concurrency, n) }, () => worker), {
      concurrency: "unbounded",
      discard: true
    })
  })

const effectContender = <E, R>(
  name: string,
  kind: Kind,
  layer: Layer.Layer<R, never, never>,
  one: Effect.Effect<unknown, E, R>
): Contender => {
  const runtime = ManagedRuntime.make(layer)
  return {
    name,
    kind,
    run: (n, concurrency) => runtime.runPromise(effectPool(n, concurrency, one)),
    dispose: () => runtime.dispose()
  }
}

const fail = (what: string): never => {
  throw new Error(`bench: ${what}`)
}

/** All contenders against the server at `origin`. */
export const make = (origin: string): ReadonlyArray<Contender> => {
  const getUrl = origin + getPath
  const dispatcher = new Undici.Agent()
  const decodeSession = Schema.decodeUnknown(AgentSession)

  const floorGet: Contender = {
    name: "floor: undici.request + JSON.parse + shape check",
    kind: "get",
    run: (n, c) =>
      promisePool(n, c, async () => {
        const response = await dispatcher.request({ origin, path: getPath, method: "GET", headers })
        const json: unknown = JSON.parse(await response.body.text())
        if (response.statusCode !== 200 || !isSession(json)) fail("floor get")
      }),
    dispose: () => dispatcher.close()
  }

  const floorList: Contender = {
    name: "floor: undici.request + JSON.parse + shape check",
    kind: "list",
    run: (n, c) =>
      promisePool(n, c, async () => {
        const response = await dispatcher.request({ origin, path: listPath, method: "GET", headers })
        const json: unknown = JSON.parse(await response.body.text())
        if (response.statusCode !== 200 || listIds(json) === undefined) fail("floor list")
      }),
    dispose: async () => {}
  }

  const fetchGet: Contender = {
    name: "global fetch + JSON + shape check",
    kind: "get",
    run: (n, c) =>
      promisePool(n, c, async () => {
        const response = await fetch(getUrl, { headers })
        const json: unknown = await response.json()
        if (response.status !== 200 || !isSession(json)) fail("fetch get")
      }),
    dispose: async () => {}
  }

  const promiseSchema = effectContender(
    "undici.request in Effect.promise + Schema",
    "get",
    Layer.empty,
    Effect.flatMap(
      Effect.promise(async () => {
        const response = await dispatcher.request({ origin, path: getPath, method: "GET", headers })
        return JSON.parse(await response.body.text()) as unknown
      }),
      decodeSession
    )
  )

  const platformGet = (name: string, client: Layer.Layer<HttpClient.HttpClient>) =>
    effectContender(
      name,
      "get",
      client,
      HttpClient.execute(HttpClientRequest.get(getUrl, { headers })).pipe(
        Effect.flatMap(HttpClientResponse.schemaBodyJson(AgentSession))
      )
    )

  const sessions = (client: Layer.Layer<HttpClient.HttpClient>) =>
    Layer.orDie(AgentSessions.layer({ apiKey, baseUrl: origin }).pipe(Layer.provide(client)))
  const lyzr = Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin }))
  const get = Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
  const list = Effect.flatMap(AgentSessions, (s) => s.list(agentId))

  return [
    floorGet,
    promiseSchema,
    fetchGet,
    platformGet("NodeHttpClient.layerUndici + Schema", NodeHttpClient.layerUndici),
    platformGet("FetchHttpClient + Schema", FetchHttpClient.layer),
    effectContender(
      "core AgentSessions on NodeHttpClient.layerUndici: get()",
      "get",
      sessions(NodeHttpClient.layerUndici),
      get
    ),
    effectContender("NodeLyzr get()", "get", lyzr, get),
    floorList,
    effectContender("NodeLyzr list()", "list", lyzr, list)
  ]
}
