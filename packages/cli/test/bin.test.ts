/**
 * The built binary, spawned with plain `node` and pipes (so: not a terminal), against the
 * in-process emulator. The bundle is built once, into a temporary directory, by the same script as
 * `pnpm build`. Each invocation is spawned once, all together, right after the build (a spawn costs
 * about half a second of CPU); the tests then read their results.
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

const faults = (rules: ReadonlyArray<unknown>) => ({ LYZR_EMULATOR_FAULTS: JSON.stringify(rules) })
const lines = (text: string) => text.split("\n").filter((line) => line !== "")

const agent = "agt_customer_support"
const ids = ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]

/** Every invocation the tests look at, spawned together once the bundle exists. */
const invocations = {
  listText: ["list", agent, "--emulator"],
  listJson: ["list", agent, "--format", "json", "--emulator"],
  getJson: ["get", agent, "ase_customer_support_001", "--emulator"],
  getTable: ["get", agent, "ase_customer_support_003", "--format", "table", "--emulator"],
  dumpNdjson: ["dump", agent, "--emulator"],
  dumpJson: ["dump", agent, "--format", "json", "--emulator"],
  dumpTable: ["dump", agent, "--format", "table", "--emulator"],
  dumpPartial: ["dump", agent, "--emulator"],
  unknownSession: ["get", agent, "ase_nobody", "--emulator"],
  refusedKey: ["get", agent, "ase_customer_support_001", "--api-key", canary, "--emulator"],
  help: ["--help"],
  dumpHelp: ["dump", "--help"]
} satisfies Record<string, ReadonlyArray<string>>

const environments: Partial<Record<keyof typeof invocations, Record<string, string>>> = {
  dumpPartial: faults([{ route: "get", sessionId: "ase_customer_support_002", fault: { type: "malformed" } }]),
  // The key in the environment must not leak into help either.
  help: { LYZR_API_KEY: canary },
  dumpHelp: { LYZR_API_KEY: canary }
}

let results: Record<keyof typeof invocations, Run>

beforeAll(async () => {
  await bundle({ outfile: bin })
  const names = Object.keys(invocations) as Array<keyof typeof invocations>
  const runs = await Promise.all(names.map((name) => run(invocations[name], environments[name])))
  results = Object.fromEntries(names.map((name, i) => [name, runs[i]!])) as typeof results
}, 120_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("lyzr-sessions list", () => {
  it("prints the agent's session IDs one per line and exits 0", () => {
    const { code, stderr, stdout } = results.listText
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(lines(stdout)).toEqual(ids)
  })

  it("prints a JSON array with --format json", () => {
    const { code, stdout } = results.listJson
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(ids)
  })
})

describe("lyzr-sessions get", () => {
  it("prints the session as the API sends it", () => {
    const { code, stdout } = results.getJson
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({
      id: "ase_customer_support_001",
      agent_id: agent,
      enabled: true,
      created_at: "2024-01-15T10:30:00Z",
      metadata: { customer_id: "customer_12345", interaction_count: 8 }
    })
  })

  it("prints one field per line with --format table", () => {
    const { code, stdout } = results.getTable
    expect(code).toBe(0)
    expect(stdout).toMatch(/^enabled +false$/m)
    expect(stdout).toMatch(/^metadata\.satisfaction_score +4\.5$/m)
  })
})

describe("lyzr-sessions dump", () => {
  it("prints one session per line with the default ndjson format", () => {
    const { code, stderr, stdout } = results.dumpNdjson
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(lines(stdout).map((line) => JSON.parse(line).id)).toEqual(ids)
  })

  it("prints one JSON array with --format json", () => {
    const { code, stdout } = results.dumpJson
    expect(code).toBe(0)
    expect(JSON.parse(stdout).map((s: { id: string }) => s.id)).toEqual(ids)
  })

  it("prints an aligned table with --format table", () => {
    const { code, stdout } = results.dumpTable
    expect(code).toBe(0)
    const [header, ...rows] = lines(stdout)
    expect(header).toMatch(/^ID +ENABLED +CREATED +DESCRIPTION$/)
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual(ids)
    expect(rows[2]).toMatch(/^ase_customer_support_003 +no +2023-11-28T17:05:09Z +Password reset/)
  })

  it("reports a session it cannot read on stderr, prints the rest, and exits with that error's code", () => {
    const { code, stderr, stdout } = results.dumpPartial
    expect(code).toBe(7)
    expect(lines(stdout).map((line) => JSON.parse(line).id)).toEqual([ids[0], ids[2]])
    expect(stderr).toContain("ase_customer_support_002: ResponseDecodeError")
    expect(stderr).toContain("1 session(s) could not be read")
  })
})

describe("piped output", () => {
  it("has no progress bar and no ANSI escapes, in any command, help included", () => {
    for (const { stderr, stdout } of Object.values(results)) {
      expect(stdout + stderr).not.toMatch(/\x1b|█|░/)
    }
  })
})

describe("errors", () => {
  it("exits with the error family's code and a one-line message on stderr (here: 4, not found)", () => {
    const { code, stderr, stdout } = results.unknownSession
    expect(code).toBe(4)
    expect(stdout).toBe("")
    expect(stderr).toMatch(
      /^lyzr-sessions: SessionNotFound: .* \(HTTP 404, code session_not_found, request id \S+\)\n$/
    )
  })

  it("never prints the API key: not in errors, not in help", () => {
    expect(results.refusedKey.code).toBe(3)
    for (const { stderr, stdout } of Object.values(results)) expect(stdout + stderr).not.toContain(canary)
  })
})

describe("--help", () => {
  it("shows the commands, options, exit codes and examples", () => {
    const { code, stdout } = results.help
    expect(code).toBe(0)
    for (const section of ["USAGE", "COMMANDS", "OPTIONS", "EXIT CODES", "EXAMPLES"]) {
      expect(stdout).toMatch(new RegExp(`^${section}`, "m"))
    }
    expect(stdout).toMatch(/^ {2}dump <agent> /m)
  })

  it("shows a command's own options, without @effect/cli's filler lines", () => {
    const { code, stdout } = results.dumpHelp
    expect(code).toBe(0)
    expect(stdout).toContain("lyzr-sessions dump <agent> [options]")
    expect(stdout).toContain("--format ndjson | json | table")
    expect(stdout).toContain("--concurrency N")
    expect(stdout).not.toMatch(/This setting is optional|A user-defined piece of text/)
  })
})
