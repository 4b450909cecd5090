/**
 * The built binary, spawned with plain `node` and pipes (so: not a terminal), against the
 * in-process emulator. The bundle is built once, into a temporary directory, by the same script as
 * `pnpm build`. Each invocation is spawned once, right after the build, a few at a time (a spawn costs
 * about half a second of CPU; spawned all at once on a loaded machine, the last ones took longer than
 * any sensible per-process limit); the tests then read their results.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Emulator } from "@lyzr-effect/emulator"
import { execFile, spawn } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { type AddressInfo, createServer } from "node:net"
import { availableParallelism, tmpdir } from "node:os"
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
      { env: { PATH: process.env["PATH"] ?? "", ...env }, timeout: 60_000 },
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
  dumpHelp: ["dump", "--help"],
  version: ["--version"],
  // Options every command takes, before the command's name, after it, or both (the one after wins).
  optionsBefore: ["--emulator", "--format", "json", "list", agent],
  optionsAround: ["--emulator", "get", agent, "ase_customer_support_003", "--format", "table"],
  keyBefore: ["--api-key", canary, "--emulator", "list", agent],
  keyAfterWins: ["--api-key", canary, "list", agent, "--emulator", "--api-key", Emulator.keys.full],
  // @effect/cli's validation errors, in this tool's form.
  badRetries: ["list", agent, "--emulator", "--max-retries", "abc"],
  badTimeoutBefore: ["--timeout", "soon", "--emulator", "list", agent],
  badFormat: ["list", agent, "--emulator", "--format", "xml"],
  formatOfAnotherCommand: ["--format", "table", "--emulator", "list", agent],
  missingValue: ["list", agent, "--emulator", "--base-url"],
  unknownCommand: ["lsit", agent, "--emulator"],
  unknownFlag: ["list", agent, "--emulatr"]
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
  const runs: Array<Run> = []
  let cursor = 0
  const worker = async () => {
    while (cursor < names.length) {
      const i = cursor++
      runs[i] = await run(invocations[names[i]!], environments[names[i]!])
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, availableParallelism() + 1) }, worker))
  results = Object.fromEntries(names.map((name, i) => [name, runs[i]!])) as typeof results
}, 600_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("--version", () => {
  it("prints the version in package.json", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    expect(results.version).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" })
  })
})

describe("options every command takes", () => {
  it("are accepted before the command's name", () => {
    const { code, stderr, stdout } = results.optionsBefore
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(JSON.parse(stdout)).toEqual(ids)
  })

  it("are accepted before and after the command's name in one invocation", () => {
    const { code, stderr, stdout } = results.optionsAround
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(stdout).toMatch(/^id +ase_customer_support_003$/m)
  })

  it("are used when given before the command's name (a key the emulator refuses: auth, 3)", () => {
    expect(results.keyBefore.code).toBe(3)
    expect(results.keyBefore.stderr).toMatch(/^lyzr-sessions: Unauthorized: /)
  })

  it("given on both sides, take the value after the command's name", () => {
    const { code, stderr, stdout } = results.keyAfterWins
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
    expect(lines(stdout)).toEqual(ids)
  })
})

describe("bad arguments", () => {
  const usage = (name: keyof typeof invocations, message: string) => {
    const { code, stderr, stdout } = results[name]
    // One line on stderr, in this tool's form, no help page, exit 2.
    expect({ code, stdout, stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: `lyzr-sessions: ${message} (see --help)\n`
    })
  }

  it("name the flag whose value is wrong, after the command's name", () =>
    usage("badRetries", "--max-retries: must be a whole number of at least 0, got \"abc\""))

  it("name the flag whose value is wrong, before the command's name", () =>
    usage("badTimeoutBefore", "--timeout: must be milliseconds or a duration like \"30 seconds\", got \"soon\""))

  it("name the flag and its choices", () => usage("badFormat", "--format: must be text or json, got \"xml\""))

  it("name the formats of the command when --format before it is another command's", () =>
    usage("formatOfAnotherCommand", "--format: list prints text or json, got \"table\""))

  it("name a flag given without its value", () => usage("missingValue", "--base-url: missing value (--base-url URL)"))

  it("name an unknown command and the known ones", () =>
    usage("unknownCommand", "unknown command: lsit (use list, get or dump)"))

  it("name an unknown flag", () => usage("unknownFlag", "unknown argument: --emulatr"))
})

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

describe("interrupted", () => {
  it("exits 130 on Ctrl-C (SIGINT) while a request is waiting, printing nothing", async () => {
    // A loopback server that accepts the connection and never answers.
    const server = createServer()
    const connected = new Promise<void>((resolve) => server.once("connection", () => resolve()))
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      const child = spawn(process.execPath, [
        bin,
        "list",
        agent,
        "--base-url",
        `http://127.0.0.1:${port}`,
        "--api-key",
        canary
      ], { env: { PATH: process.env["PATH"] ?? "" } })
      let output = ""
      child.stdout.on("data", (chunk) => (output += chunk))
      child.stderr.on("data", (chunk) => (output += chunk))
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
      await connected
      child.kill("SIGINT")
      expect({ code: await exited, output }).toEqual({ code: 130, output: "" })
    } finally {
      server.close()
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
