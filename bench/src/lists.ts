/**
 * Large list bodies and heap growth, for either Effect line (no Effect import here): the suite (`suite.ts`,
 * Effect 3) and `effect4.ts` each pass their own `list()` and `get()` runs.
 */
import * as Undici from "undici"
import { apiKey, documentedList, listIds, liveList } from "./fixtures.ts"

export type Shape = "documented" | "live"

/** The path the fixed-body server answers with a list of `ids` IDs in `shape`. */
export const bigListPath = (ids: number, shape: Shape): string => `/v1/agent/agt_big_${shape}_${ids}/sessions`

/** The agent of {@link bigListPath}. */
export const bigListAgent = (ids: number, shape: Shape): string => `agt_big_${shape}_${ids}`

/** The server's bodies for every size, in both shapes. */
export const bigListBodies = (sizes: ReadonlyArray<number>): Record<string, string> => {
  const bodies: Record<string, string> = {}
  for (const ids of sizes) {
    bodies[bigListPath(ids, "documented")] = documentedList(ids)
    bodies[bigListPath(ids, "live")] = liveList(ids)
  }
  return bodies
}

/** The median of `values` (the mean of the middle two for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Median milliseconds of `f` over `samples` samples, each repeating it enough to last a few ms. */
export const measure = (f: () => unknown, samples: number): number => {
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
  return median(values)
}

export interface ListRow {
  readonly shape: Shape
  readonly ids: number
  readonly bytes: number
  /** In process: `JSON.parse` alone, and `JSON.parse` + the line's `SessionIds` schema (no fast path). */
  readonly parseMillis: number
  readonly schemaMillis: number
  /** Over loopback: the floor (undici.request + text + JSON.parse + check) and the SDK's `list()`. */
  readonly floorMillis: number
  readonly listMillis: number
  /** `list()` over the floor: what the client adds to reading and parsing the body. */
  readonly ratio: number
}

export interface ListOptions {
  readonly origin: string
  readonly sizes: ReadonlyArray<number>
  /** Samples per measurement. */
  readonly samples: number
  /** Small bodies are fetched in batches of about this many IDs per sample. */
  readonly batchIds: number
  /** The SDK's `list()` of an agent. */
  readonly list: (agentId: string) => Promise<ReadonlyArray<string>>
  /** The line's `SessionIds` schema alone, on parsed JSON. */
  readonly schema: (json: unknown) => unknown
}

/**
 * A list body of each size in both shapes: parsing alone and with the schema in process, then the floor
 * and `list()` over loopback (interleaved, so drift hits both alike).
 */
export const listRows = async (options: ListOptions): Promise<ReadonlyArray<ListRow>> => {
  const { batchIds, origin, samples } = options
  const dispatcher = new Undici.Agent()
  try {
    const rows: Array<ListRow> = []
    for (const ids of options.sizes) {
      for (const shape of ["documented", "live"] as const) {
        const text = shape === "documented" ? documentedList(ids) : liveList(ids)
        if (listIds(JSON.parse(text))?.length !== ids) throw new Error(`bench: the ${shape} list did not decode`)
        const parseMillis = measure(() => JSON.parse(text), samples)
        const schemaMillis = measure(() => options.schema(JSON.parse(text)), samples)
        const path = bigListPath(ids, shape)
        const agent = bigListAgent(ids, shape)
        const floor = async () => {
          const response = await dispatcher.request({ origin, path, method: "GET", headers: { "x-api-key": apiKey } })
          const listed = listIds(JSON.parse(await response.body.text()))
          if (listed?.length !== ids) throw new Error("bench: floor list")
        }
        const list = () =>
          options.list(agent).then((listed) => {
            if (listed.length !== ids) throw new Error("bench: list()")
          })
        // Small bodies are timed in batches so that each sample lasts a few milliseconds.
        const batch = Math.max(1, Math.round(batchIds / ids))
        const timed = async (f: () => Promise<void>) => {
          const start = performance.now()
          for (let i = 0; i < batch; i++) await f()
          return (performance.now() - start) / batch
        }
        await timed(floor)
        await timed(list)
        const floorSamples: Array<number> = []
        const listSamples: Array<number> = []
        for (let s = 0; s < samples; s++) {
          floorSamples.push(await timed(floor))
          listSamples.push(await timed(list))
        }
        const floorMillis = median(floorSamples)
        const listMillis = median(listSamples)
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
    await dispatcher.close()
  }
}

export interface HeapRow {
  readonly calls: number
  readonly heapUsedBytes: number
}

/** Two full collections, when Node runs with `--expose-gc`; whether there were. */
export const gc = (): boolean => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) return false
  collect()
  collect()
  return true
}

/** Heap used (after a full GC) after each count of calls in `counts`, `run(n)` making `n` more calls. */
export const heapRows = async (
  counts: ReadonlyArray<number>,
  run: (calls: number) => Promise<void>
): Promise<ReadonlyArray<HeapRow>> => {
  const rows: Array<HeapRow> = []
  let done = 0
  for (const target of counts) {
    await run(target - done)
    done = target
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
    gc()
    rows.push({ calls: done, heapUsedBytes: process.memoryUsage().heapUsed })
  }
  return rows
}

const x = (value: number) => `${value.toFixed(2)}×`
const ms = (value: number) => `${value.toFixed(value >= 10 ? 1 : 3)} ms`
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** The rows of {@link listRows} as a Markdown table, the SDK's column named `listName`. */
export const listTable = (rows: ReadonlyArray<ListRow>, listName: string): Array<string> => [
  `| shape | IDs | body | JSON.parse | JSON.parse + Schema | floor (loopback) | ${listName} | list() × floor |`,
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((row) =>
    `| ${row.shape} | ${row.ids.toLocaleString("en-US")} | ${(row.bytes / 1024).toFixed(0)} KiB | ` +
    `${ms(row.parseMillis)} | ${ms(row.schemaMillis)} (${x(row.schemaMillis / row.parseMillis)}) | ` +
    `${ms(row.floorMillis)} | ${ms(row.listMillis)} | **${x(row.ratio)}** |`
  )
]

/** The rows of {@link heapRows} as a Markdown table, and the growth per call between the first and the last. */
export const heapTable = (rows: ReadonlyArray<HeapRow>): Array<string> => {
  const lines = [
    "| get() calls | heap used |",
    "| ---: | ---: |",
    ...rows.map((row) => `| ${row.calls.toLocaleString("en-US")} | ${mib(row.heapUsedBytes)} |`)
  ]
  const [first, last] = [rows[0], rows[rows.length - 1]]
  if (first !== undefined && last !== undefined && last.calls > first.calls) {
    const perCall = (last.heapUsedBytes - first.heapUsedBytes) / (last.calls - first.calls)
    lines.push("")
    lines.push(
      `Growth: ${((last.heapUsedBytes - first.heapUsedBytes) / 1024).toFixed(0)} KiB over ` +
        `${(last.calls - first.calls).toLocaleString("en-US")} calls (${perCall.toFixed(2)} bytes per call).`
    )
  }
  return lines
}
