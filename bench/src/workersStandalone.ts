/**
 * The Workers rows of `pnpm bench` (Effect 3 line) on their own, for running without a TypeScript
 * loader as a bundled Worker runs:
 *
 *   node scripts/node24.mjs node --experimental-transform-types bench/src/workersStandalone.ts
 *   (or `pnpm --filter @lyzr-effect/bench bench:workers`)
 *
 * The same rows as `pnpm bench` prints (it runs on Node 24 without a loader too), without the rest of
 * the suite.
 */
import { getPath, seedSession } from "./fixtures.ts"
import { startServer } from "./server.ts"
import * as WorkerHandlers from "./workerHandlers.ts"
import * as Workers from "./workers.ts"

const smoke = process.argv.includes("--smoke")
const config = smoke ? { requests: 20, warmup: 20, rounds: 1 } : { requests: 1000, warmup: 2000, rounds: 7 }
const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[values.length >> 1]!

const server = await startServer({ [getPath]: JSON.stringify(seedSession) })
const contenders = Workers.make()
try {
  const cpu = await WorkerHandlers.rounds(contenders, server.origin, config)
  const bare = cpu[contenders.findIndex((x) => x.name === WorkerHandlers.bareName)]!
  const lines = [
    `| handler (Effect 3, Node ${process.version}) | CPU µs/request | over the bare handler (median of per-round differences) |`,
    "| --- | ---: | ---: |"
  ]
  contenders.forEach((contender, i) => {
    const own = cpu[i]!
    lines.push(
      `| ${contender.name} | ${median(own).toFixed(0)} | ${
        median(own.map((v, round) => v - bare[round]!)).toFixed(0)
      } µs |`
    )
  })
  console.log(lines.join("\n"))
} finally {
  for (const contender of contenders) await contender.dispose()
  server.stop()
}
