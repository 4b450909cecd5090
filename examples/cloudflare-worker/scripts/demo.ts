/**
 * Runs the Worker locally in workerd (through Miniflare, with wrangler.toml's compatibility date and
 * flags) against the emulator on loopback, and prints a few requests and their answers.
 *
 *   pnpm demo:worker
 */
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import * as esbuild from "esbuild"
import { Miniflare } from "miniflare"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

const wrangler = readFileSync(here("../wrangler.toml"), "utf8")
const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(wrangler)?.[1] ?? "2025-09-01"
const compatibilityFlags = [
  ...(/^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(wrangler)?.[1] ?? "").matchAll(/"([^"]+)"/g)
]
  .map((m) => m[1]!)

const main = async () => {
  const emulator = Emulator.make({ listShape: "live" })
  const server = await serveNode(emulator)
  // Bundled as wrangler would: ESM, workerd/worker/browser export conditions.
  const built = await esbuild.build({
    entryPoints: [here("../src/index.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    logLevel: "warning"
  })
  const mf = new Miniflare({
    modules: true,
    script: built.outputFiles[0]!.text,
    compatibilityDate,
    compatibilityFlags,
    bindings: {
      LYZR_API_KEY: Emulator.keys.full,
      LYZR_BASE_URL: server.url,
      LYZR_TIMEOUT: "2 seconds",
      LYZR_MAX_RETRIES: "2"
    }
  })
  try {
    const show = async (label: string, path: string) => {
      const response = await mf.dispatchFetch(`http://localhost:8787${path}`)
      const retryAfter = response.headers.get("retry-after")
      const body = await response.text()
      const shown = body.length > 240 ? `${body.slice(0, 240)}…` : body
      console.log(
        `\n# ${label}\nGET ${path} -> ${response.status}${
          retryAfter === null ? "" : ` (Retry-After: ${retryAfter})`
        }\n${shown}`
      )
    }
    console.log(`Worker in workerd (compatibility_date ${compatibilityDate}), upstream: emulator at ${server.url}`)
    await show("list an agent's sessions", "/agents/agt_customer_support/sessions")
    await show("one session", "/agents/agt_customer_support/sessions/ase_customer_support_001")
    await show("unknown session", "/agents/agt_customer_support/sessions/ase_missing")
    await show("unknown agent", "/agents/agt_nobody/sessions")
    await show("an ID the API would reject, refused before any request", "/agents/not-an-agent/sessions/ase_x")
    emulator.inject({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })
    await show("one 503 from the service, retried by the SDK", "/agents/agt_sales_assistant/sessions")
    emulator.inject({ route: "get", times: 3, fault: { type: "rateLimit", retryAfter: "120" } })
    await show(
      "rate limited for 120 s: no wait, 429 with Retry-After",
      "/agents/agt_customer_support/sessions/ase_customer_support_002"
    )
    console.log(`\nThe emulator saw ${emulator.requests.length} requests.`)
  } finally {
    await mf.dispose()
    await server.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
