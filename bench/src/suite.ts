/**
 * The benchmark suite: request rounds against a fixed-body server in a child process, list decoding
 * against `JSON.parse`, and heap growth over many `get()` calls.
 */
import { AgentSessions, SessionIds } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Layer, ManagedRuntime, Schema } from "effect"
import * as Contenders from "./contenders.ts"
import { agentId, apiKey, getPath, listPath, seedList, seedSession, sessionId } from "./fixtures.ts"
import * as Lists from "./lists.ts"
import { startServer } from "./server.ts"
import * as WorkerHandlers from "./workerHandlers.ts"
import * as Workers from "./workers.ts"

export interface Config {
  /** Requests per contender per round, by concurrency. */
  readonly requests: Readonly<Record<number, number>>
  readonly warmup: number
  readonly rounds: number
  readonly concurrencies: ReadonlyArray<number>
  readonly decodeSizes: ReadonlyArray<number>
  /** Samples per decode measurement. */
  readonly decodeSamples: number
  /** Small list bodies are fetched in batches of about this many IDs per sample. */
  readonly decodeBatchIds: number
  /** `get()` calls before the first and the second heap reading. */
  readonly heap: { readonly first: number; readonly second: number }
  /** Workers handlers: requests per contender per round (one at a time), warm-up, rounds. */
  readonly workers: { readonly requests: number; readonly warmup: number; readonly rounds: number }
}

export const full: Config = {
  requests: { 1: 1000, 64: 2000 },
  warmup: 2000,
  rounds: 5,
  concurrencies: [1, 64],
  decodeSizes: [1_000, 100_000],
  decodeSamples: 7,
  decodeBatchIds: 100_000,
  heap: { first: 1_000, second: 100_000 },
  workers: { requests: 1000, warmup: 2000, rounds: 7 }
}

export const smoke: Config = {
  requests: { 1: 20, 64: 64 },
  warmup: 20,
  rounds: 1,
  concurrencies: [1, 64],
  decodeSizes: [100, 1_000],
  decodeSamples: 2,
  decodeBatchIds: 1_000,
  heap: { first: 50, second: 200 },
  workers: { requests: 20, warmup: 20, rounds: 1 }
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

/** A list body decoded (`lists.ts`): in process, and over loopback by the floor and NodeLyzr `list()`. */
export type DecodeRow = Lists.ListRow

export type HeapRow = Lists.HeapRow

export interface WorkerRow {
  readonly name: string
  /** µs of this process's CPU per request across rounds. */
  readonly cpuMicros: Spread
  /** Per-round difference to the bare fetch handler, µs of CPU per request. */
  readonly overBare: Spread
}

export interface Results {
  readonly workers: ReadonlyArray<WorkerRow>
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

/** Starts the fixed-body server in a child process (now in `server.ts`, shared with `effect4.ts`). */
export { startServer } from "./server.ts"

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

/** The Workers handlers of `workers.ts`, CPU per request, rounds in rotating order. */
const workerRounds = async (origin: string, config: Config, log: Log): Promise<ReadonlyArray<WorkerRow>> => {
  const contenders = Workers.make()
  try {
    const cpu = await WorkerHandlers.rounds(contenders, origin, config.workers)
    log(`workers: ${config.workers.rounds} rounds done`)
    const bare = cpu[contenders.findIndex((x) => x.name === WorkerHandlers.bareName)]!
    return contenders.map((contender, i) => ({
      name: contender.name,
      cpuMicros: spread(cpu[i]!),
      overBare: spread(cpu[i]!.map((value, round) => value - bare[round]!))
    }))
  } finally {
    for (const contender of contenders) await contender.dispose()
  }
}

/** A list body of each size in both shapes (`lists.ts`), through NodeLyzr `list()`. */
const decodeRows = async (origin: string, config: Config): Promise<ReadonlyArray<DecodeRow>> => {
  // The live shape of 100k entries is ~11 MiB, over the default 8 MiB cap.
  const runtime = ManagedRuntime.make(
    Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin, maxResponseBytes: 64 * 1024 * 1024 }))
  )
  try {
    return await Lists.listRows({
      origin,
      sizes: config.decodeSizes,
      samples: config.decodeSamples,
      batchIds: config.decodeBatchIds,
      list: (agent) => runtime.runPromise(Effect.flatMap(AgentSessions, (s) => s.list(agent))),
      schema: Schema.decodeUnknownEither(SessionIds)
    })
  } finally {
    await runtime.dispose()
  }
}

/** Heap used (after a full GC) after `first` and after `second` `get()` calls on one layer. */
const heapRows = async (origin: string, config: Config): Promise<ReadonlyArray<HeapRow>> => {
  const runtime = ManagedRuntime.make(Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin })))
  try {
    const get = Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
    return await Lists.heapRows(
      [config.heap.first, config.heap.second],
      (calls) => runtime.runPromise(Contenders.effectPool(calls, 64, get))
    )
  } finally {
    await runtime.dispose()
  }
}

export const run = async (config: Config, log: Log = () => {}): Promise<Results> => {
  const server = await startServer({
    [getPath]: JSON.stringify(seedSession),
    [listPath]: JSON.stringify(seedList),
    ...Lists.bigListBodies(config.decodeSizes)
  })
  try {
    log(`server at ${server.origin}; ${config.rounds} rounds at concurrency ${config.concurrencies.join(", ")}`)
    const requests = await requestRounds(server.origin, config, log)
    log("workers handlers")
    const workers = await workerRounds(server.origin, config, log)
    log("decoding lists")
    const decode = await decodeRows(server.origin, config)
    log("heap")
    if (!Lists.gc()) log("(no --expose-gc: heap readings include garbage)")
    const heap = await heapRows(server.origin, config)
    return { workers, requests, decode, heap }
  } finally {
    server.stop()
  }
}
