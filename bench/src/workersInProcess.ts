/**
 * `node --import tsx src/workersInProcess.ts`: the Workers handlers of `workers.ts` with no I/O, on a
 * `fetch` that answers the fixed session body at once; prints the best of 7 rounds of µs of CPU per
 * request. A probe for the handler's own per-request cost (it found the per-request `MixedScheduler`'s
 * ≈ 50 µs); not part of `pnpm bench`.
 */
import { seedSession } from "./fixtures.ts"
import { run } from "./workerHandlers.ts"
import * as Workers from "./workers.ts"
const body = JSON.stringify(seedSession)
const headers = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }
globalThis.fetch = (async () => new Response(body, { headers })) as typeof fetch
const cs = Workers.make().filter((c) => !c.name.includes("per request"))
for (const c of cs) await run(c, "http://127.0.0.1:1", 10000)
const best = cs.map(() => Infinity)
for (let r = 0; r < 7; r++) {
  for (let i = 0; i < cs.length; i++) {
    const t = process.cpuUsage()
    await run(cs[i]!, "http://127.0.0.1:1", 5000)
    const u = process.cpuUsage(t)
    best[i] = Math.min(best[i]!, (u.user + u.system) / 5000)
  }
}
console.log(cs.map((c, i) => `${c.name.slice(0, 20)}: ${best[i]!.toFixed(1)}`).join(" | "))
for (const c of cs) await c.dispose()
