/**
 * The built binary, spawned with plain `node` and pipes (so: not a terminal), against the
 * in-process emulator. The bundle is built once, into a temporary directory, by the same script as
 * `pnpm build`.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
// @ts-expect-error: a plain .mjs build script, without types
import { bundle } from "../scripts/bundle.mjs"

const canary = "sk-CANARY-4f1d2e9a7b"
const dir = mkdtempSync(join(tmpdir(), "lyzr-sessions-"))
const bin = join(dir, "bin.js")

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs `node bin.js ...args` with only PATH and `env` in its environment. */
const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Run> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env["PATH"] ?? "", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ code, stdout, stderr })
      }
    )
  })

const emulator = (...args: Array<string>) => run([...args, "--emulator"])
const faults = (rules: ReadonlyArray<unknown>) => ({ LYZR_EMULATOR_FAULTS: JSON.stringify(rules) })
const lines = (text: string) => text.split("\n").filter((line) => line !== "")

const agent = "agt_customer_support"
const ids = ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]

beforeAll(async () => {
  await bundle({ outfile: bin })
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.concurrent("lyzr-sessions list", () => {
  it("prints the agent's session IDs one per line and exits 0", async () => {
    const { code, stderr, stdout } = await emulator("list", agent)
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(lines(stdout)).toEqual(ids)
  })

  it("prints a JSON array with --format json", async () => {
    const { code, stdout } = await emulator("list", agent, "--format", "json")
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(ids)
  })
})

describe.concurrent("lyzr-sessions get", () => {
  it("prints the session as the API sends it", async () => {
    const { code, stdout } = await emulator("get", agent, "ase_customer_support_001")
    expect(code).toBe(0)
    const session = JSON.parse(stdout)
    expect(session).toMatchObject({
      id: "ase_customer_support_001",
      agent_id: agent,
      enabled: true,
      created_at: "2024-01-15T10:30:00Z",
      metadata: { customer_id: "customer_12345", interaction_count: 8 }
    })
  })

  it("prints one field per line with --format table", async () => {
    const { code, stdout } = await emulator("get", agent, "ase_customer_support_003", "--format", "table")
    expect(code).toBe(0)
    expect(stdout).toMatch(/^enabled +false$/m)
    expect(stdout).toMatch(/^metadata\.satisfaction_score +4\.5$/m)
  })
})

describe.concurrent("lyzr-sessions dump", () => {
  it("prints one session per line with the default ndjson format", async () => {
    const { code, stderr, stdout } = await emulator("dump", agent)
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(lines(stdout).map((line) => JSON.parse(line).id)).toEqual(ids)
  })

  it("prints one JSON array with --format json", async () => {
    const { code, stdout } = await emulator("dump", agent, "--format", "json")
    expect(code).toBe(0)
    expect(JSON.parse(stdout).map((s: { id: string }) => s.id)).toEqual(ids)
  })

  it("prints an aligned table with --format table", async () => {
    const { code, stdout } = await emulator("dump", agent, "--format", "table")
    expect(code).toBe(0)
    const [header, ...rows] = lines(stdout)
    expect(header).toMatch(/^ID +ENABLED +CREATED +DESCRIPTION$/)
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual(ids)
    expect(rows[2]).toMatch(/^ase_customer_support_003 +no +2023-11-28T17:05:09Z +Password reset/)
  })

  it("when piped, writes no progress bar and no ANSI escapes", async () => {
    const results = await Promise.all([emulator("dump", agent, "--format", "table"), emulator("--help")])
    for (const { stderr, stdout } of results) {
      expect(stdout + stderr).not.toMatch(/\x1b|█|░/)
    }
  })

  it("reports a session it cannot read on stderr, prints the rest, and exits with that error's code", async () => {
    const { code, stderr, stdout } = await run(
      ["dump", agent, "--emulator"],
      faults([{ route: "get", sessionId: "ase_customer_support_002", fault: { type: "malformed" } }])
    )
    expect(code).toBe(7)
    expect(lines(stdout).map((line) => JSON.parse(line).id)).toEqual([ids[0], ids[2]])
    expect(stderr).toContain("ase_customer_support_002: ResponseDecodeError")
    expect(stderr).toContain("1 session(s) could not be read")
  })
})

describe.concurrent("errors", () => {
  it("exits with the error family's code and a one-line message on stderr (here: 4, not found)", async () => {
    const { code, stderr, stdout } = await emulator("get", agent, "ase_nobody")
    expect(code).toBe(4)
    expect(stdout).toBe("")
    expect(stderr).toMatch(/^lyzr-sessions: SessionNotFound: .* \(HTTP 404, code session_not_found, request id \S+\)\n$/)
  })

  it("never prints the API key: not in errors, not in help", async () => {
    const results = await Promise.all([
      run(["get", agent, "ase_customer_support_001", "--api-key", canary, "--emulator"]),
      run(["dump", "--help"], { LYZR_API_KEY: canary })
    ])
    expect(results[0]!.code).toBe(3)
    for (const { stderr, stdout } of results) expect(stdout + stderr).not.toContain(canary)
  })
})

describe.concurrent("--help", () => {
  it("shows the commands, options, exit codes and examples", async () => {
    const { code, stdout } = await run(["--help"])
    expect(code).toBe(0)
    for (const section of ["USAGE", "COMMANDS", "OPTIONS", "EXIT CODES", "EXAMPLES"]) {
      expect(stdout).toMatch(new RegExp(`^${section}`, "m"))
    }
    expect(stdout).toMatch(/^ {2}dump <agent> /m)
  })

  it("shows a command's own options, without @effect/cli's filler lines", async () => {
    const { code, stdout } = await run(["dump", "--help"])
    expect(code).toBe(0)
    expect(stdout).toContain("lyzr-sessions dump <agent> [options]")
    expect(stdout).toContain("--format ndjson | json | table")
    expect(stdout).toContain("--concurrency N")
    expect(stdout).not.toMatch(/This setting is optional|A user-defined piece of text/)
  })
})
