/**
 * `node --import tsx src/profile.ts <contender-substring> [n] [concurrency] [out.cpuprofile]`: runs one
 * contender against the fixed-body server and CPU-profiles the measured part only (after warm-up),
 * on the client side alone. Open the profile in Chrome DevTools or speedscope.
 */
import * as Fs from "node:fs"
import * as Inspector from "node:inspector/promises"
import * as Contenders from "./contenders.ts"
import { getPath, listPath, seedList, seedSession } from "./fixtures.ts"
import { startServer } from "./suite.ts"

const [pattern = "NodeLyzr get", n = "20000", c = "1", out] = process.argv.slice(2)
const server = await startServer({ [getPath]: JSON.stringify(seedSession), [listPath]: JSON.stringify(seedList) })
const contenders = Contenders.make(server.origin)
const contender = contenders.find((x) => x.name.includes(pattern))
if (contender === undefined) throw new Error(`no contender matches ${pattern}`)
await contender.run(3000, Number(c))
const session = new Inspector.Session()
if (out !== undefined) {
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 100 })
  await session.post("Profiler.start")
}
const cpu = process.cpuUsage()
const start = performance.now()
await contender.run(Number(n), Number(c))
const wall = ((performance.now() - start) * 1000) / Number(n)
const used = process.cpuUsage(cpu)
if (out !== undefined) {
  const { profile } = await session.post("Profiler.stop")
  Fs.writeFileSync(out, JSON.stringify(profile))
}
console.log(
  `${contender.name} at concurrency ${c}: ${wall.toFixed(1)} µs/request wall, ` +
    `${((used.user + used.system) / Number(n)).toFixed(1)} µs/request client CPU`
)
for (const x of contenders) await x.dispose()
server.stop()
