/** The results as Markdown (for BENCHMARKS.md) and as a console table. */
import * as Os from "node:os"
import * as Lists from "./lists.ts"
import type { Config, Results, Spread } from "./suite.ts"

const us = (value: number) => value >= 100 ? value.toFixed(0) : value.toFixed(1)
const x = (value: number) => `${value.toFixed(2)}×`
const range = (s: Spread, f: (n: number) => string) => `${f(s.min)}–${f(s.max)}`
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

export const machine = (): string => {
  const cpus = Os.cpus()
  return `${cpus[0]?.model.trim() ?? "unknown CPU"} × ${cpus.length}, ${mib(Os.totalmem())} RAM, ` +
    `${Os.type()} ${Os.release()}, Node ${process.version}`
}

export const markdown = (results: Results, config: Config, command: string): string => {
  const lines: Array<string> = []
  lines.push(`- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`)
  lines.push(`- Machine: ${machine()}`)
  lines.push(`- Command: \`${command}\` (TypeScript stripped by Node itself, no loader: the SDK's code as it ships)`)
  lines.push(
    `- Rounds: ${config.rounds}, alternating every contender at each concurrency (order rotated per round), ` +
      `after ${config.warmup} warm-up requests each; ` +
      Object.entries(config.requests).map(([c, n]) => `${n} requests per round at concurrency ${c}`).join(", ") + "."
  )
  lines.push("")
  lines.push("### Requests (loopback, fixed-body server in a child process)")
  lines.push("")
  lines.push(
    "| endpoint | contender | concurrency | µs/request (median) | µs spread | × floor (median) | × floor spread | client CPU µs/request |"
  )
  lines.push("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
  for (const row of results.requests) {
    lines.push(
      `| ${row.kind} | ${row.name} | ${row.concurrency} | ${us(row.micros.median)} | ${range(row.micros, us)} | ` +
        `**${x(row.ratio.median)}** | ${range(row.ratio, x)} | ${us(row.cpuMicros.median)} |`
    )
  }
  lines.push("")
  lines.push("### Workers handlers (in Node, one `get()` per request, one request at a time)")
  lines.push("")
  lines.push(
    `${config.workers.rounds} rounds of ${config.workers.requests} requests per contender (order rotated per round), ` +
      `after ${config.workers.warmup} warm-up requests each. CPU of this process per request; the difference to ` +
      "the bare handler is taken per round (target for `CloudflareLyzr.handler`: ≤ 200 µs)."
  )
  lines.push("")
  lines.push("| handler | CPU µs/request (median) | spread | over the bare handler (median) | spread |")
  lines.push("| --- | ---: | ---: | ---: | ---: |")
  const signed = (value: number) => `${value >= 0 ? "+" : "−"}${us(Math.abs(value))}`
  for (const row of results.workers) {
    lines.push(
      `| ${row.name} | ${us(row.cpuMicros.median)} | ${range(row.cpuMicros, us)} | ` +
        `**${signed(row.overBare.median)} µs** | ${range(row.overBare, signed)} |`
    )
  }
  lines.push("")
  lines.push("### A list of many IDs: NodeLyzr `list()` against reading + `JSON.parse` alone")
  lines.push("")
  lines.push(
    "In process: `JSON.parse` alone and with the `SessionIds` schema (what decoding cost before the fast path). " +
      "Over loopback: the floor (`undici.request` + text + `JSON.parse` + check) and `list()` on the same body."
  )
  lines.push("")
  lines.push(...Lists.listTable(results.decode, "NodeLyzr list()"))
  lines.push("")
  lines.push("### Heap (heapUsed after a full GC, one NodeLyzr layer, concurrency 64)")
  lines.push("")
  lines.push(...Lists.heapTable(results.heap))
  return lines.join("\n")
}
