/**
 * `node ... src/inproc.ts [n]`: the CPU of one NodeLyzr `get()` with no I/O, on an in-memory undici
 * dispatcher that answers the fixed session body at once. A probe for where the SDK's own cost goes
 * (each line printed is µs of CPU per call, best of 5 rounds); not part of `pnpm bench`.
 */
import { AgentSessions, Transport } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Layer, ManagedRuntime } from "effect"
import type { Dispatcher } from "undici"
import { agentId, apiKey, seedSession, sessionId } from "./fixtures.ts"

const body = JSON.stringify(seedSession)
const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
const fakeBody = () => ({
  on: () => {},
  destroy: () => {},
  text: () => Promise.resolve(body)
})
const dispatcher = {
  request: () => Promise.resolve({ statusCode: 200, headers, body: fakeBody() })
} as unknown as Dispatcher

const n = Number(process.argv[2] ?? 100000)
const layer = Layer.orDie(AgentSessions.layer({ apiKey, baseUrl: "http://127.0.0.1:1" })).pipe(
  Layer.provide(Layer.merge(
    Layer.succeed(
      (await import("@effect/platform")).HttpClient.HttpClient,
      NodeLyzr.makeHttpClient(dispatcher)
    ),
    Layer.succeed(Transport.HonoursAttempt, true)
  ))
)
const runtime = ManagedRuntime.make(layer)
const one = Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
const loop = (k: number) => Effect.whileLoop({ while: () => k-- > 0, body: () => one, step: () => {} })
const plain = async (k: number) => {
  for (let i = 0; i < k; i++) {
    const r = await dispatcher.request({} as never)
    JSON.parse(await (r.body as any).text())
  }
}
await runtime.runPromise(loop(20000))
await plain(20000)
let best = Infinity, bestPlain = Infinity
for (let round = 0; round < 5; round++) {
  let t = process.cpuUsage()
  await runtime.runPromise(loop(n))
  let u = process.cpuUsage(t)
  best = Math.min(best, (u.user + u.system) / n)
  t = process.cpuUsage()
  await plain(n)
  u = process.cpuUsage(t)
  bestPlain = Math.min(bestPlain, (u.user + u.system) / n)
}
console.log(`get() ${best.toFixed(2)} µs CPU; the same promises + JSON.parse ${bestPlain.toFixed(2)} µs`)
await runtime.dispose()
