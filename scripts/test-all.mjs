// `pnpm test`: every test leg, one after the other, then one summary. A leg is a root package.json script:
//
//   test:v3         the Effect 3 projects (vitest.config.ts, vitest 3.2) on the machine's Node (20 on CI)
//   test:v3:node24  the same projects on Node 24 (scripts/node24.mjs)
//   test:effect4    the Effect 4 projects (vitest.effect4.config.ts, vitest 5) on Node 24
//
// Every leg runs even when an earlier one fails (one run shows every failure); the exit status is non-zero
// if any leg failed. Each leg's own vitest summary ("Test Files", "Tests") is repeated at the end, with its
// wall time, so the result is visible without scrolling back. To pass vitest options (a --project, a file),
// run one leg: `pnpm test:v3 --project core`.
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { delimiter, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = resolve(fileURLToPath(new URL("..", import.meta.url)))
const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts
const legs = [
  { script: "test:v3", label: `Effect 3 on Node ${process.versions.node}` },
  { script: "test:v3:node24", label: "Effect 3 on Node 24" },
  { script: "test:effect4", label: "Effect 4 on Node 24" }
]
const pathKey = Object.keys(process.env).find((key) => key.toUpperCase() === "PATH") ?? "PATH"
// The legs write through a pipe (to pick out the summary), so colour follows this process's own stdout:
// on a terminal as vitest would choose it, in a log none (vitest 5 colours any non-dumb TERM otherwise).
const colour = "NO_COLOR" in process.env || "FORCE_COLOR" in process.env
  ? {}
  : process.stdout.isTTY
  ? { FORCE_COLOR: "1" }
  : { NO_COLOR: "1" }
const env = {
  ...process.env,
  ...colour,
  [pathKey]: [join(root, "node_modules", ".bin"), process.env[pathKey]].filter(Boolean).join(delimiter)
}
// vitest's summary lines, without colour codes
// eslint-disable-next-line no-control-regex
const plain = (line) => line.replace(/\u001b\[[0-9;]*m/g, "")
const summaryLine = /^\s*(Test Files|Tests|Errors)\s{2}/

const runLeg = (leg) =>
  new Promise((done) => {
    const command = scripts[leg.script]
    console.log(`\n── ${leg.label} (pnpm ${leg.script}) ──`)
    const started = performance.now()
    const child = spawn(command, { cwd: root, env, shell: true, stdio: ["inherit", "pipe", "inherit"] })
    const summary = []
    let pending = ""
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk)
      const lines = (pending + chunk).split("\n")
      pending = lines.pop() ?? ""
      for (const line of lines) if (summaryLine.test(plain(line))) summary.push(plain(line).trim())
    })
    child.on("close", (code, signal) => {
      if (summaryLine.test(plain(pending))) summary.push(plain(pending).trim())
      done({ ...leg, ok: code === 0, code: code ?? signal, seconds: (performance.now() - started) / 1000, summary })
    })
  })

const started = performance.now()
const results = []
for (const leg of legs) results.push(await runLeg(leg))

console.log("\n── pnpm test ──")
for (const result of results) {
  console.log(
    `${result.ok ? "ok  " : "FAIL"} ${result.label.padEnd(24)} ${result.seconds.toFixed(0).padStart(4)} s  ${
      result.summary.length > 0 ? result.summary.join(" · ").replace(/\s+/g, " ") : `(exit ${result.code})`
    }`
  )
}
const failed = results.filter((result) => !result.ok)
console.log(
  `${failed.length === 0 ? "all legs passed" : `${failed.length} of ${results.length} legs failed`} in ${
    ((performance.now() - started) / 1000).toFixed(0)
  } s`
)
process.exitCode = failed.length === 0 ? 0 : 1
