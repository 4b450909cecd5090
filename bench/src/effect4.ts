/**
 * The Effect 4 line against the undici floor, by the method of `suite.ts`: the same fixed-body server in a
 * child process, warm-up, rounds in rotating order, and per request both the wall time and this process's CPU
 * (user + system: the client's own cost), each as a ratio to the floor of the same round; then the Workers
 * handlers, lists of many IDs and the heap over many `get()` calls (`lists.ts`, shared with the suite).
 * Standalone because the main suite imports Effect 3 as `effect`; Effect 4 comes in here as the `effect4` alias.
 * Node 24 runs it without a TypeScript loader (type stripping), as it runs the compiled packages: a loader
 * such as tsx wraps every function it compiles (`__name`), which costs the Effect code more than the floor.
 *
 *   node scripts/node24.mjs node --expose-gc bench/src/effect4.ts [--smoke]
 *   (or `pnpm --filter @lyzr-effect/bench bench:effect4`)
 *
 * Targets (issue 13): `@lyzr-effect/effect4-node` `get()` at most 1.25x the floor at concurrency 1 and 64;
 * `list()` of 100k IDs at most 1.5x the floor (reading + `JSON.parse`), the heap flat.
 */
import { AgentSessions, SessionIds } from "@lyzr-effect/effect4-core"
import { NodeLyzr } from "@lyzr-effect/effect4-node"
import { Effect, Layer, ManagedRuntime, Schema } from "effect4"
import * as Undici from "undici"
import { agentId, apiKey, getPath, isSession, listIds, listPath, seedList, seedSession, sessionId } from "./fixtures.ts"
import * as Lists from "./lists.ts"
import { startServer } from "./server.ts"
import * as WorkerHandlers from "./workerHandlers.ts"
import * as Workers4 from "./workers4.ts"

const smoke = process.argv.includes("--smoke")
/** `--rounds N`: more rounds of the loopback rows for a steadier median on a noisy host (default 7). */
const roundsFlag = (): number => {
  const at = process.argv.indexOf("--rounds")
  if (at === -1) return 7
  const rounds = Number(process.argv[at + 1])
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(`bench:effect4: --rounds takes a whole number of rounds, 1 or more (got ${process.argv[at + 1]})`)
    process.exit(2)
  }
  return rounds
}
const rounds = roundsFlag()
const config = smoke
  ? { requests: { 1: 50, 64: 128 } as Record<number, number>, warmup: 100, rounds: 1 }
  : { requests: { 1: 2000, 64: 4000 } as Record<number, number>, warmup: 4000, rounds }
const listConfig = smoke
  ? { sizes: [100, 1_000], samples: 2, batchIds: 1_000, heap: [50, 200] }
  : { sizes: [1_000, 100_000], samples: 7, batchIds: 100_000, heap: [1_000, 100_000] }
const workersConfig = smoke ? { requests: 20, warmup: 20, rounds: 1 } : { requests: 1000, warmup: 2000, rounds: 7 }
const concurrencies = [1, 64]

interface Contender {
  readonly name: string
  readonly kind: "get" | "list"
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

/** `n` runs of `one` by `concurrency` Effect 4 fibers. */
const effectPool = <E, R>(n: number, concurrency: number, one: Effect.Effect<unknown, E, R>) =>
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

const effect4Contender = <E>(
  name: string,
  kind: Contender["kind"],
  layer: Layer.Layer<AgentSessions, never, never>,
  one: Effect.Effect<unknown, E, AgentSessions>
): Contender => {
  const runtime = ManagedRuntime.make(layer)
  return {
    name,
    kind,
    run: (n, c) => runtime.runPromise(effectPool(n, c, one)),
    dispose: () => runtime.dispose()
  }
}

const make = (origin: string): ReadonlyArray<Contender> => {
  const dispatcher = new Undici.Agent()
  const floor = (kind: Contender["kind"]): Contender => ({
    name: `floor: undici.request + JSON.parse + shape check (${kind})`,
    kind,
    run: (n, c) =>
      promisePool(n, c, async () => {
        const response = await dispatcher.request({
          origin,
          path: kind === "get" ? getPath : listPath,
          method: "GET",
          headers
        })
        const json: unknown = JSON.parse(await response.body.text())
        const ok = kind === "get" ? isSession(json) : listIds(json) !== undefined
        if (response.statusCode !== 200 || !ok) throw new Error(`bench: floor ${kind}`)
      }),
    // The get floor is disposed first-come: it closes the shared pool.
    dispose: kind === "get" ? () => dispatcher.close() : async () => {}
  })
  const lyzr = Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: origin }))
  // The floor's work in one Effect.promise: what crossing into Effect 4 once per request costs.
  const promiseGet = Effect.promise(async () => {
    const response = await dispatcher.request({ origin, path: getPath, method: "GET", headers })
    const json: unknown = JSON.parse(await response.body.text())
    if (response.statusCode !== 200 || !isSession(json)) throw new Error("bench: Effect.promise get")
  })
  const empty = ManagedRuntime.make(Layer.empty)
  // The floor's work on undici's handler API, as effect4-node's client sends the service's requests: no
  // body stream and no promise of undici's. What the SDK's own steps cost over that way of using undici.
  const dispatchGet = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const chunks: Array<Buffer> = []
      let status = 0
      dispatcher.dispatch({ origin, path: getPath, method: "GET", headers }, {
        // Its presence selects the handler API (without it undici takes the deprecated onHeaders/onData one).
        onRequestStart: () => {},
        onResponseStart: (_controller, statusCode) => {
          status = statusCode
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk)
        },
        onResponseEnd: () => {
          const json: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"))
          if (status !== 200 || !isSession(json)) reject(new Error("bench: dispatch get"))
          else resolve()
        },
        onResponseError: (_controller, error) => reject(error)
      })
    })
  return [
    floor("get"),
    {
      name: "undici's handler API by hand: dispatch + JSON.parse + shape check (get)",
      kind: "get",
      run: (n, c) => promisePool(n, c, dispatchGet),
      dispose: async () => {}
    },
    {
      name: "the floor's get in one Effect.promise (Effect 4)",
      kind: "get",
      run: (n, c) => empty.runPromise(effectPool(n, c, promiseGet)),
      dispose: () => empty.dispose()
    },
    effect4Contender(
      "effect4-node NodeLyzr get()",
      "get",
      lyzr,
      Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
    ),
    floor("list"),
    effect4Contender(
      "effect4-node NodeLyzr list()",
      "list",
      lyzr,
      Effect.flatMap(AgentSessions, (s) => s.list(agentId))
    )
  ]
}

const median = Lists.median

const log = (line: string) => console.log(`[bench:effect4] ${line}`)

const server = await startServer({
  [getPath]: JSON.stringify(seedSession),
  [listPath]: JSON.stringify(seedList),
  ...Lists.bigListBodies(listConfig.sizes)
})
const contenders = make(server.origin)
try {
  log(
    `Node ${process.version}, server at ${server.origin}; ${config.rounds} rounds at concurrency ${
      concurrencies.join(", ")
    }`
  )
  for (const contender of contenders) {
    for (const c of concurrencies) await contender.run(Math.ceil(config.warmup / concurrencies.length), c)
  }
  const wall = contenders.map(() => new Map<number, Array<number>>())
  const cpu = contenders.map(() => new Map<number, Array<number>>())
  const push = (map: Map<number, Array<number>>, key: number, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value])
  for (let round = 0; round < config.rounds; round++) {
    for (const c of concurrencies) {
      const n = config.requests[c]!
      for (let k = 0; k < contenders.length; k++) {
        const i = (k + round) % contenders.length
        const before = process.cpuUsage()
        const start = performance.now()
        await contenders[i]!.run(n, c)
        const millis = performance.now() - start
        const used = process.cpuUsage(before)
        push(wall[i]!, c, (millis * 1000) / n)
        push(cpu[i]!, c, (used.user + used.system) / n)
      }
    }
    log(`round ${round + 1}/${config.rounds} done`)
  }
  const floorOf = (kind: Contender["kind"]) =>
    contenders.findIndex((x) => x.kind === kind && x.name.startsWith("floor"))
  const rows: Array<string> = [
    "| contender | concurrency | CPU µs/request | CPU ratio to floor | wall µs/request | wall ratio to floor |",
    "| --- | ---: | ---: | ---: | ---: | ---: |"
  ]
  for (const c of concurrencies) {
    contenders.forEach((contender, i) => {
      const f = floorOf(contender.kind)
      const ratio = (own: ReadonlyArray<number>, base: ReadonlyArray<number>) =>
        median(own.map((value, round) => value / base[round]!))
      const cpuOwn = cpu[i]!.get(c)!
      const wallOwn = wall[i]!.get(c)!
      rows.push(
        `| ${contender.name} | ${c} | ${median(cpuOwn).toFixed(1)} | ${ratio(cpuOwn, cpu[f]!.get(c)!).toFixed(2)}x | ${
          median(wallOwn).toFixed(1)
        } | ${ratio(wallOwn, wall[f]!.get(c)!).toFixed(2)}x |`
      )
    })
  }
  console.log(`\n${rows.join("\n")}\n`)
  log("ratios are medians of per-round ratios; CPU is this process's user + system time (the client's own cost)")

  // The Workers handlers: one get() per request, one request at a time, CPU over the bare handler per round.
  const workers = Workers4.make()
  try {
    const cpu4 = await WorkerHandlers.rounds(workers, server.origin, workersConfig)
    const bare = cpu4[workers.findIndex((x) => x.name === WorkerHandlers.bareName)]!
    const lines = [
      "| handler (Effect 4, in Node) | CPU µs/request | over the bare handler (median of per-round differences) |",
      "| --- | ---: | ---: |"
    ]
    workers.forEach((contender, i) => {
      const own = cpu4[i]!
      lines.push(
        `| ${contender.name} | ${median(own).toFixed(0)} | ${
          median(own.map((v, round) => v - bare[round]!)).toFixed(0)
        } µs |`
      )
    })
    console.log(`\n${lines.join("\n")}\n`)
    log(
      `workers: ${workersConfig.rounds} rounds of ${workersConfig.requests} requests; target for the handler ≤ 200 µs`
    )
  } finally {
    for (const contender of workers) await contender.dispose()
  }

  // A list of many IDs (target: list() of 100k IDs at most 1.5x the floor), and the heap over many get() calls.
  log("decoding lists")
  // The live shape of 100k entries is ~11 MiB, over the default 8 MiB cap.
  const big = ManagedRuntime.make(
    Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: server.origin, maxResponseBytes: 64 * 1024 * 1024 }))
  )
  try {
    const rows = await Lists.listRows({
      origin: server.origin,
      sizes: listConfig.sizes,
      samples: listConfig.samples,
      batchIds: listConfig.batchIds,
      list: (agent) => big.runPromise(Effect.flatMap(AgentSessions, (s) => s.list(agent))),
      schema: Schema.decodeUnknownResult(SessionIds)
    })
    console.log(`\n${Lists.listTable(rows, "effect4-node list()").join("\n")}\n`)
  } finally {
    await big.dispose()
  }
  log("heap")
  if (!Lists.gc()) log("(no --expose-gc: heap readings include garbage)")
  const heapRuntime = ManagedRuntime.make(Layer.orDie(NodeLyzr.layer({ apiKey, baseUrl: server.origin })))
  try {
    const get = Effect.flatMap(AgentSessions, (s) => s.get(agentId, sessionId))
    const rows = await Lists.heapRows(
      listConfig.heap,
      (calls) => heapRuntime.runPromise(effectPool(calls, 64, get))
    )
    console.log(`\n${Lists.heapTable(rows).join("\n")}\n`)
  } finally {
    await heapRuntime.dispose()
  }
} finally {
  for (const contender of contenders) await contender.dispose()
  server.stop()
}
