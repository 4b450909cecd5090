/**
 * `pnpm demo:effect4` end to end: the quickstart as a child process on this Node (24, as `pnpm test:effect4`
 * runs it), against the emulator it starts itself, and against a service named by LYZR_* variables.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Emulator from "@lyzr-effect/emulator/Emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { execFile } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsx = createRequire(new URL("../package.json", import.meta.url)).resolve("tsx/cli")

/** Runs the quickstart as `pnpm demo:effect4` does, with only the given LYZR_* variables set. */
const runQuickstart = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("LYZR_")))
    execFile(
      process.execPath,
      [tsx, "src/main.ts"],
      { cwd: root, env: { ...clean, ...env }, timeout: 50_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })
      }
    )
  })

describe("the Effect 4 quickstart", () => {
  it("runs on Node 24", () => {
    expect(process.versions.node).toMatch(/^24\./)
  })

  it("without LYZR_API_KEY, runs the whole tour against the emulator and exits 0", async () => {
    const { code, stderr, stdout } = await runQuickstart({})
    expect(stderr).toBe("")
    expect(code).toBe(0)
    expect(stdout).toContain("quickstart (Effect 4) against the emulator at http://127.0.0.1:")
    expect(stdout).toContain("agt_customer_support has 3 sessions")
    expect(stdout).toMatch(/ase_customer_support_001\s+yes\s+2024-01-15 10:30\s+customer_id=customer_12345/)
    expect(stdout).toMatch(/ase_customer_support_003\s+no\s+/)
    expect(stdout).toMatch(/SessionNotFound\s+status=404 code=session_not_found requestId=req_/)
    expect(stdout).toMatch(/Unauthorized\s+status=401/)
    expect(stdout).toMatch(
      /RateLimitExceeded healed: 1 answer 429 with Retry-After: 1, retried after 1\.\d s, got ase_customer_support_001 on attempt 2$/m
    )
    // The program speaks for itself: no raw log line among its output, and never the key.
    expect(stdout).not.toMatch(/level=|timestamp=/)
    expect(stdout).not.toContain(Emulator.keys.full)
  })

  it("with LYZR_API_KEY and LYZR_BASE_URL, runs against that service instead", async () => {
    const emulator = Emulator.make({ listShape: "live" })
    const server = await serveNode(emulator)
    try {
      const { code, stdout } = await runQuickstart({
        LYZR_API_KEY: Emulator.keys.full,
        LYZR_BASE_URL: server.url,
        LYZR_AGENT_ID: "agt_sales_assistant"
      })
      expect(code).toBe(0)
      expect(stdout).toContain(`against the real service (${server.url})`)
      expect(stdout).toContain("agt_sales_assistant has 3 sessions")
      // No fault injection against a real service: the rate-limit step is skipped.
      expect(stdout).not.toContain("RateLimitExceeded healed")
      expect(emulator.requests.filter((r) => r.route === "get").every((r) => r.agentId === "agt_sales_assistant")).toBe(
        true
      )
      expect(
        emulator.requests.some((r) => r.keyFingerprint === Emulator.fingerprint("not-a-valid-key") && r.status === 401)
      ).toBe(true)
    } finally {
      await server.close()
    }
  })
})
