/**
 * The benchmark suite: request rounds against a fixed-body server in a child process, list decoding
 * against `JSON.parse`, and heap growth over many `get()` calls.
 */
import { AgentSessions, SessionIds } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Effect, Either, Layer, ManagedRuntime, Schema } from "effect"
import * as Undici from "undici"
import * as Contenders from "./contenders.ts"
import {
  agentId,
  apiKey,
  documentedList,
  getPath,
  listIds,
  listPath,
  liveList,
  seedList,
  seedSession,
  sessionId
} from "./fixtures.ts"
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

export interface DecodeRow {
  readonly shape: "documented" | "live"
  readonly ids: number
  readonly bytes: number
  /** In process: `JSON.parse` alone, and `JSON.parse` + the `SessionIds` schema (no fast path). */
  readonly parseMillis: number
  readonly schemaMillis: number
  /** Over loopback: the floor (undici.request + text + JSON.parse + check) and NodeLyzr `list()`. */
  readonly floorMillis: number
  readonly listMillis: number
  /** `list()` over the floor: what the client adds to reading and parsing the body. */
  readonly ratio: number
}

export interface HeapRow {
  readonly calls: number
  readonly heapUsedBytes: number
}

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

const bigListPath = (ids: number, shape: "documented" | "live") => `/v1/agent/agt_big_${shape}_${ids}/sessions`

const bigListBodies = (config: Config): Record<string, string> => {
  const bodies: Record<string, string> = {}
  for (const ids of config.decodeSizes) {
    bodies[bigListPath(ids, "documented")] = documentedList(ids)
    bodies[bigListPath(ids, "live")] = liveList(ids)
  }
  return bodies
}

const medianOf = async (samples: number, f: () => Promise<unknown>): Promise<number> => {
  const values: Array<number> = []
  for (let s = 0; s < samples; s++) {
    const start = performance.now()
    await f()
    values.push(performance.now() - start)
  }
  return spread(values).median
}

/**
 * A list body of `ids` IDs in both shapes: parsing alone and with the schema in process, then the
 * floor and NodeLyzr `list()` over loopback (interleaved, so drift hits both alike).
 */
const decodeRows = async (origin: string, config: Config): Promise<ReadonlyArray<DecodeRow>> => {
  const decodeIds = Schema.decodeUnknownEither(SessionIds)
  const dispatcher = new Undici.Agent()
  // The live shape of 100k entries is ~11 MiB, over the default 8 MiB cap.
  const runtime = ManagedRuntime.make(
    Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin, maxResponseBytes: 64 * 1024 * 1024 }))
  )
  try {
    const rows: Array<DecodeRow> = []
    for (const ids of config.decodeSizes) {
      for (const shape of ["documented", "live"] as const) {
        const text = shape === "documented" ? documentedList(ids) : liveList(ids)
        const check = decodeIds(JSON.parse(text))
        if (Either.isLeft(check) || check.right.length !== ids) throw new Error(`bench: ${shape} list did not decode`)
        const parseMillis = measure(() => JSON.parse(text), config.decodeSamples)
        const schemaMillis = measure(() => decodeIds(JSON.parse(text)), config.decodeSamples)
        const path = bigListPath(ids, shape)
        const agent = `agt_big_${shape}_${ids}`
        const floor = async () => {
          const response = await dispatcher.request({ origin, path, method: "GET", headers: { "x-api-key": apiKey } })
          const listed = listIds(JSON.parse(await response.body.text()))
          if (listed?.length !== ids) throw new Error("bench: floor list")
        }
        const list = () =>
          runtime.runPromise(Effect.flatMap(AgentSessions, (s) => s.list(agent))).then((listed) => {
            if (listed.length !== ids) throw new Error("bench: list()")
          })
        // Small bodies are timed in batches so that each sample lasts a few milliseconds.
        const batch = Math.max(1, Math.round(config.decodeBatchIds / ids))
        const repeat = (f: () => Promise<void>) => async () => {
          for (let i = 0; i < batch; i++) await f()
        }
        await repeat(floor)()
        await repeat(list)()
        const floorSamples: Array<number> = []
        const listSamples: Array<number> = []
        for (let s = 0; s < config.decodeSamples; s++) {
          floorSamples.push((await medianOf(1, repeat(floor))) / batch)
          listSamples.push((await medianOf(1, repeat(list))) / batch)
        }
        const floorMillis = spread(floorSamples).median
        const listMillis = spread(listSamples).median
        rows.push({
          shape,
          ids,
          bytes: Buffer.byteLength(text),
          parseMillis,
          schemaMillis,
          floorMillis,
          listMillis,
          ratio: listMillis / floorMillis
        })
      }
    }
    return rows
  } finally {
    await runtime.dispose()
    await dispatcher.close()
  }
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
    [listPath]: JSON.stringify(seedList),
    ...bigListBodies(config)
  })
  try {
    log(`server at ${server.origin}; ${config.rounds} rounds at concurrency ${config.concurrencies.join(", ")}`)
    const requests = await requestRounds(server.origin, config, log)
    log("workers handlers")
    const workers = await workerRounds(server.origin, config, log)
    log("decoding lists")
    const decode = await decodeRows(server.origin, config)
    log("heap")
    if (!gc()) log("(no --expose-gc: heap readings include garbage)")
    const heap = await heapRows(server.origin, config)
    return { workers, requests, decode, heap }
  } finally {
    server.stop()
  }
}
