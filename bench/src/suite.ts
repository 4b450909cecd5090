/**
 * The benchmark suite: request rounds against a fixed-body server in a child process, list decoding
 * against `JSON.parse`, and heap growth over many `get()` calls.
 */
import { AgentSessions, SessionIds } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Either, Layer, ManagedRuntime, Schema } from "effect"
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Contenders from "./contenders.ts"
import {
  agentId,
  apiKey,
  documentedList,
  getPath,
  listPath,
  liveList,
  seedList,
  seedSession,
  sessionId
} from "./fixtures.ts"

export interface Config {
  /** Requests per contender per round, by concurrency. */
  readonly requests: Readonly<Record<number, number>>
  readonly warmup: number
  readonly rounds: number
  readonly concurrencies: ReadonlyArray<number>
  readonly decodeSizes: ReadonlyArray<number>
  /** Samples per decode measurement. */
  readonly decodeSamples: number
  /** `get()` calls before the first and the second heap reading. */
  readonly heap: { readonly first: number; readonly second: number }
}

export const full: Config = {
  requests: { 1: 1000, 64: 2000 },
  warmup: 2000,
  rounds: 5,
  concurrencies: [1, 64],
  decodeSizes: [1_000, 100_000],
  decodeSamples: 15,
  heap: { first: 1_000, second: 100_000 }
}

export const smoke: Config = {
  requests: { 1: 20, 64: 64 },
  warmup: 20,
  rounds: 1,
  concurrencies: [1, 64],
  decodeSizes: [100, 1_000],
  decodeSamples: 2,
  heap: { first: 50, second: 200 }
}

export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
}

export interface RequestRow {
  readonly name: string
  readonly kind: Contenders.Kind
  readonly concurrency: number
  /** µs per request (wall clock) across rounds. */
  readonly micros: Spread
  /** µs of this process's CPU (user + system) per request across rounds: the client's own cost. */
  readonly cpuMicros: Spread
  /** Per-round ratio to the floor of the same kind. */
  readonly ratio: Spread
}

export interface DecodeRow {
  readonly shape: "documented" | "live"
  readonly ids: number
  readonly bytes: number
  readonly parseMillis: number
  readonly decodeMillis: number
  readonly ratio: number
}

export interface HeapRow {
  readonly calls: number
  readonly heapUsedBytes: number
}

export interface Results {
  readonly requests: ReadonlyArray<RequestRow>
  readonly decode: ReadonlyArray<DecodeRow>
  readonly heap: ReadonlyArray<HeapRow>
}

const spread = (values: ReadonlyArray<number>): Spread => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/** Starts the fixed-body server in a child process; resolves to its origin and a stop function. */
export const startServer = (bodies: Record<string, string>): Promise<{ origin: string; stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./fixedServer.mjs", import.meta.url)), [], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
    child.once("message", (message) => {
      const { port } = message as { port: number }
      resolve({
        origin: `http://127.0.0.1:${port}`,
        stop: () => {
          child.removeAllListeners("exit")
          child.disconnect()
        }
      })
    })
    child.send({ bodies })
  })

const gc = () => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) return false
  collect()
  collect()
  return true
}

const time = async (f: () => Promise<void>): Promise<number> => {
  const start = performance.now()
  await f()
  return performance.now() - start
}

export type Log = (line: string) => void

const push = (map: Map<number, Array<number>>, key: number, value: number) => {
  const list = map.get(key) ?? []
  list.push(value)
  map.set(key, list)
}

const requestRounds = async (origin: string, config: Config, log: Log): Promise<ReadonlyArray<RequestRow>> => {
  const contenders = Contenders.make(origin)
  try {
    for (const contender of contenders) {
      for (const c of config.concurrencies) {
        await contender.run(Math.ceil(config.warmup / config.concurrencies.length), c)
      }
    }
    // micros[contender][concurrency] = one value per round
    const micros = contenders.map(() => new Map<number, Array<number>>())
    const cpuMicros = contenders.map(() => new Map<number, Array<number>>())
    for (let round = 0; round < config.rounds; round++) {
      for (const c of config.concurrencies) {
        const n = config.requests[c] ?? 1000
        // Rotate the order each round so no contender always follows the same one.
        for (let k = 0; k < contenders.length; k++) {
          const i = (k + round) % contenders.length
          const cpu = process.cpuUsage()
          const millis = await time(() => contenders[i]!.run(n, c))
          const used = process.cpuUsage(cpu)
          push(micros[i]!, c, (millis * 1000) / n)
          push(cpuMicros[i]!, c, (used.user + used.system) / n)
        }
      }
      log(`round ${round + 1}/${config.rounds} done`)
    }
    const floorIndex = (kind: Contenders.Kind) =>
      contenders.findIndex((x) => x.kind === kind && x.name.startsWith("floor"))
    const rows: Array<RequestRow> = []
    for (const c of config.concurrencies) {
      contenders.forEach((contender, i) => {
        const own = micros[i]!.get(c)!
        const floor = micros[floorIndex(contender.kind)]!.get(c)!
        rows.push({
          name: contender.name,
          kind: contender.kind,
          concurrency: c,
          micros: spread(own),
          cpuMicros: spread(cpuMicros[i]!.get(c)!),
          ratio: spread(own.map((value, round) => value / floor[round]!))
        })
      })
    }
    return rows
  } finally {
    for (const contender of contenders) await contender.dispose()
  }
}

/** Median milliseconds of `f` over `samples` samples, each repeating it enough to last a few ms. */
const measure = (f: () => unknown, samples: number): number => {
  let reps = 1
  for (;;) {
    const start = performance.now()
    for (let i = 0; i < reps; i++) f()
    if (performance.now() - start > 5 || reps >= 1 << 16) break
    reps *= 2
  }
  const values: Array<number> = []
  for (let s = 0; s < samples; s++) {
    const start = performance.now()
    for (let i = 0; i < reps; i++) f()
    values.push((performance.now() - start) / reps)
  }
  return spread(values).median
}

/** What `list()` does with a body: `JSON.parse`, then the `SessionIds` schema (either shape). */
const decodeRows = (config: Config): ReadonlyArray<DecodeRow> => {
  const decodeIds = Schema.decodeUnknownEither(SessionIds)
  const rows: Array<DecodeRow> = []
  for (const ids of config.decodeSizes) {
    for (const shape of ["documented", "live"] as const) {
      const text = shape === "documented" ? documentedList(ids) : liveList(ids)
      const check = decodeIds(JSON.parse(text))
      if (Either.isLeft(check) || check.right.length !== ids) throw new Error(`bench: ${shape} list did not decode`)
      // Interleave the two measurements so drift hits both alike.
      const parse: Array<number> = []
      const decode: Array<number> = []
      for (let s = 0; s < 3; s++) {
        parse.push(measure(() => JSON.parse(text), config.decodeSamples))
        decode.push(measure(() => decodeIds(JSON.parse(text)), config.decodeSamples))
      }
      const parseMillis = spread(parse).median
      const decodeMillis = spread(decode).median
      rows.push({
        shape,
        ids,
        bytes: Buffer.byteLength(text),
        parseMillis,
        decodeMillis,
        ratio: decodeMillis / parseMillis
      })
    }
  }
  return rows
}

/** Heap used (after a full GC) after `first` and after `second` `get()` calls on one layer. */
const heapRows = async (origin: string, config: Config): Promise<ReadonlyArray<HeapRow>> => {
  const runtime = ManagedRuntime.make(Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin })))
  try {
    const get = Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
    const rows: Array<HeapRow> = []
    let done = 0
    for (const target of [config.heap.first, config.heap.second]) {
      await runtime.runPromise(Contenders.effectPool(target - done, 64, get))
      done = target
      gc()
      await new Promise((resolve) => setTimeout(resolve, 50))
      gc()
      rows.push({ calls: done, heapUsedBytes: process.memoryUsage().heapUsed })
    }
    return rows
  } finally {
    await runtime.dispose()
  }
}

export const run = async (config: Config, log: Log = () => {}): Promise<Results> => {
  const server = await startServer({
    [getPath]: JSON.stringify(seedSession),
    [listPath]: JSON.stringify(seedList)
  })
  try {
    log(`server at ${server.origin}; ${config.rounds} rounds at concurrency ${config.concurrencies.join(", ")}`)
    const requests = await requestRounds(server.origin, config, log)
    log("decoding lists")
    const decode = decodeRows(config)
    log("heap")
    if (!gc()) log("(no --expose-gc: heap readings include garbage)")
    const heap = await heapRows(server.origin, config)
    return { requests, decode, heap }
  } finally {
    server.stop()
  }
}
