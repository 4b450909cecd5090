/**
 * `lyzr-emulator` as a user runs it: built by tsc with the package's own tsconfig.build.json (as
 * `pnpm build` does) into a temporary package folder beside a copy of package.json, then spawned with
 * plain `node` and pipes, with only PATH in its environment. Every server it starts listens on
 * 127.0.0.1.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { isLoopback } from "../src/internal/cli.ts"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
const dir = mkdtempSync(join(tmpdir(), "lyzr-emulator-"))
const bin = join(dir, "dist", "bin.js")
const version = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")).version as string

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the bin to its end (for the commands that do not serve). */
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

interface Started {
  readonly child: ChildProcess
  readonly stdout: string
  readonly stderr: () => string
  readonly vars: Readonly<Record<string, string>>
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const children: Array<ChildProcess> = []

/** Starts the bin and resolves once it has printed its banner (the control API line ends it). */
const start = (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env["PATH"] ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    children.push(child)
    let stdout = ""
    let stderr = ""
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal }))
    )
    const timer = setTimeout(() => reject(new Error(`no banner after 20 s: ${stdout}${stderr}`)), 20_000)
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.stdout.on("data", (chunk) => {
      stdout += chunk
      if (!/^# control API: .*$/m.test(stdout)) return
      clearTimeout(timer)
      const vars = Object.fromEntries(
        stdout.split("\n").filter((line) => /^[A-Z_]+=/.test(line)).map((line) => {
          const at = line.indexOf("=")
          return [line.slice(0, at), line.slice(at + 1)]
        })
      )
      resolve({ child, stdout, stderr: () => stderr, vars, exited })
    })
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`exited ${code} before its banner: ${stdout}${stderr}`))
    })
  })

const portOf = (url: string) => Number(new URL(url).port)

/** Resolves whether 127.0.0.1:port can be listened on (so: whether the bin let go of it). */
const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer()
    probe.once("error", () => resolve(false))
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)))
  })

const listPath = "/v1/agent/agt_customer_support/sessions"

beforeAll(async () => {
  // The package's build, into a package-shaped folder: dist/ beside package.json (the bin reads its
  // version from there, and "type": "module" makes dist/*.js ES modules).
  const tsc = createRequire(join(packageDir, "package.json")).resolve("typescript/bin/tsc")
  await new Promise<void>((resolve, reject) =>
    execFile(
      process.execPath,
      [
        tsc,
        "-p",
        join(packageDir, "tsconfig.build.json"),
        "--outDir",
        join(dir, "dist"),
        "--declaration",
        "false",
        "--declarationMap",
        "false",
        "--sourceMap",
        "false"
      ],
      (error, stdout) => (error ? reject(new Error(`tsc failed: ${stdout}`)) : resolve())
    )
  )
  copyFileSync(join(packageDir, "package.json"), join(dir, "package.json"))
}, 120_000)

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("lyzr-emulator, the built bin", () => {
  it("is a node script: its first line is the #!/usr/bin/env node shebang", () => {
    expect(readFileSync(bin, "utf8").split("\n")[0]).toBe("#!/usr/bin/env node")
  })

  it(
    "--port 0 prints a real port; the printed base URL and key answer a GET with the list; SIGTERM exits 0 and frees the port",
    async () => {
      const emulator = await start(["--port", "0"])
      const base = emulator.vars["LYZR_BASE_URL"]!
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const port = portOf(base)
      expect(port).toBeGreaterThan(0)
      expect(emulator.vars["LYZR_API_KEY"]).toBe("lyzr-emulator-key")

      const listed = await fetch(base + listPath, { headers: { "x-api-key": emulator.vars["LYZR_API_KEY"]! } })
      expect(listed.status).toBe(200)
      expect(await listed.json()).toEqual({
        sessions: ["ase_customer_support_001", "ase_customer_support_002", "ase_customer_support_003"]
      })
      expect(await portFree(port)).toBe(false)

      emulator.child.kill("SIGTERM")
      expect(await emulator.exited).toEqual({ code: 0, signal: null })
      expect(await portFree(port)).toBe(true)
      expect(emulator.stderr()).toBe("")
    },
    30_000
  )

  it("SIGINT (Ctrl-C) exits 0 as well", async () => {
    const emulator = await start([])
    emulator.child.kill("SIGINT")
    expect(await emulator.exited).toEqual({ code: 0, signal: null })
  }, 30_000)

  it(
    "prints only NAME=value lines and # comments, so the output can be pasted into a shell or a .env file",
    async () => {
      const emulator = await start(["--host", "localhost"])
      const lines = emulator.stdout.trimEnd().split("\n")
      expect(lines.every((line) => line.startsWith("# ") || /^LYZR_[A-Z_]+=\S+$/.test(line))).toBe(true)
      expect(Object.keys(emulator.vars)).toEqual(["LYZR_BASE_URL", "LYZR_API_KEY"])
      expect(emulator.vars["LYZR_BASE_URL"]).toMatch(/^http:\/\/localhost:\d+$/)
      // localhost is loopback: no warning.
      expect(emulator.stderr()).toBe("")
    },
    30_000
  )

  it("has the control API off without --control: its paths answer 404", async () => {
    const emulator = await start([])
    const base = emulator.vars["LYZR_BASE_URL"]!
    const injected = await fetch(`${base}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ route: "list", fault: { type: "serverError" } })
    })
    expect([injected.status, await injected.json()]).toEqual([404, { detail: "Not Found" }])
    expect((await fetch(`${base}/__emulator/requests`)).status).toBe(404)
    const listed = await fetch(base + listPath, { headers: { "x-api-key": emulator.vars["LYZR_API_KEY"]! } })
    expect(listed.status).toBe(200)
    expect(emulator.stdout).toMatch(/^# control API: off/m)
  }, 30_000)

  it("--control turns the control API on", async () => {
    const emulator = await start(["--control"])
    const base = emulator.vars["LYZR_BASE_URL"]!
    const injected = await fetch(`${base}/__emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ route: "list", times: 1, fault: { type: "serverError", status: 503 } })
    })
    expect(injected.status).toBe(204)
    const failed = await fetch(base + listPath, { headers: { "x-api-key": emulator.vars["LYZR_API_KEY"]! } })
    expect(failed.status).toBe(503)
    const log = await (await fetch(`${base}/__emulator/requests`)).text()
    expect(JSON.parse(log)).toHaveLength(1)
    expect(log).not.toContain(emulator.vars["LYZR_API_KEY"]!)
  }, 30_000)

  it("--control-token (or LYZR_EMULATOR_CONTROL_TOKEN) answers only requests with that x-emulator-token", async () => {
    const [flag, fromEnv] = await Promise.all([
      start(["--control-token", "flag-token"]),
      start([], { LYZR_EMULATOR_CONTROL_TOKEN: "env-token" })
    ])
    for (const [emulator, token] of [[flag, "flag-token"], [fromEnv, "env-token"]] as const) {
      const url = `${emulator.vars["LYZR_BASE_URL"]}/__emulator/reset`
      expect((await fetch(url, { method: "POST" })).status).toBe(404)
      expect((await fetch(url, { method: "POST", headers: { "x-emulator-token": `${token}x` } })).status).toBe(404)
      expect((await fetch(url, { method: "POST", headers: { "x-emulator-token": token } })).status).toBe(204)
      expect(emulator.stdout).not.toContain(token)
    }
  }, 30_000)

  it("--fixture serves the file's data and prints its key; --seed and --list-shape reach the emulator", async () => {
    const file = join(dir, "sessions.json")
    writeFileSync(
      file,
      JSON.stringify({
        agents: {
          agt_billing: {
            sessions: [{
              id: "ase_b1",
              description: "d",
              metadata: {},
              enabled: true,
              created_at: "2025-01-01T00:00:00Z"
            }]
          }
        },
        keys: { "reader-key": ["agt_billing"], "admin-key": "*" }
      })
    )
    const emulator = await start(["--fixture", file, "--seed", "7", "--list-shape", "live"])
    const base = emulator.vars["LYZR_BASE_URL"]!
    expect(emulator.vars["LYZR_API_KEY"]).toBe("admin-key")
    expect(emulator.stdout).toContain("# another key: reader-key (reads agt_billing)")
    const listed = await fetch(`${base}/v1/agent/agt_billing/sessions`, { headers: { "x-api-key": "reader-key" } })
    expect(listed.status).toBe(200)
    expect(listed.headers.get("x-request-id")).toBe("req_00000007_00000001")
    expect(await listed.json()).toEqual([
      {
        session_id: "ase_b1",
        session_name: "ase_b1",
        user_id: "emulator-user@example.com",
        created_at: "2025-01-01T00:00:00Z"
      }
    ])
    const defaultKey = await fetch(base + listPath, { headers: { "x-api-key": "lyzr-emulator-key" } })
    expect(defaultKey.status).toBe(401)
  }, 30_000)

  it("a fixture that cannot be used stops it with exit code 1, naming the file and what is wrong", async () => {
    const notJson = join(dir, "not.json")
    writeFileSync(notJson, "{ agents: ")
    const wrongShape = join(dir, "shape.json")
    writeFileSync(
      wrongShape,
      JSON.stringify({
        agents: {
          agt_x: { sessions: [{ id: "ase_1", description: "", metadata: {}, enabled: "yes", created_at: "" }] }
        },
        keys: {}
      })
    )
    const missing = join(dir, "missing.json")
    const [a, b, c] = await Promise.all([
      run(["--fixture", notJson]),
      run(["--fixture", wrongShape]),
      run(["--fixture", missing])
    ])
    expect([a.code, a.stdout]).toEqual([1, ""])
    expect(a.stderr).toMatch(new RegExp(`^lyzr-emulator: --fixture ${notJson}: not JSON`))
    expect(b.code).toBe(1)
    expect(b.stderr).toContain(`lyzr-emulator: --fixture ${wrongShape}: `)
    expect(b.stderr).toContain(`$.agents["agt_x"].sessions[0].enabled: expected a boolean`)
    expect(c.code).toBe(1)
    expect(c.stderr).toContain(`lyzr-emulator: --fixture ${missing}: cannot read it (no such file)`)
  }, 30_000)

  it("a port in use stops it with exit code 1, naming the address and the flag to change", async () => {
    const first = await start([])
    const port = portOf(first.vars["LYZR_BASE_URL"]!)
    const second = await run(["--port", String(port)])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain(
      `lyzr-emulator: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE)`
    )
    expect(second.stderr).toContain("--port")
  }, 30_000)

  it("a bad command line exits 2 with a message prefixed lyzr-emulator: that names the flag", async () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["--prot", "8787"], "unknown option --prot"],
      [["--port", "http"], `--port must be an integer from 0 to 65535, got "http"`],
      [["--port", "70000"], "--port must be an integer from 0 to 65535"],
      [["--port"], "--port needs a value"],
      [["--port", "--seed", "1"], "--port needs a value"],
      [["--seed", "-1"], `--seed must be an integer from 0 to 4294967295, got "-1"`],
      [["--seed", "1.5"], "--seed must be an integer from 0 to 4294967295"],
      [["--list-shape", "bare"], `--list-shape must be "documented" or "live"`],
      [["--control=yes"], "--control takes no value"],
      [["serve"], `unexpected argument "serve"`]
    ]
    const runs = await Promise.all(cases.map(([args]) => run(args)))
    runs.forEach((result, i) => {
      const [args, message] = cases[i]!
      expect([args, result.code, result.stdout]).toEqual([args, 2, ""])
      expect(result.stderr.startsWith(`lyzr-emulator: ${message}`), `${args.join(" ")}: ${result.stderr}`).toBe(true)
    })
  }, 30_000)

  it("--help lists every option and exits 0; --version prints the package's version", async () => {
    const [help, shortHelp, printed] = await Promise.all([run(["--help"]), run(["-h"]), run(["--version"])])
    expect(help.code).toBe(0)
    for (const option of ["--port", "--host", "--fixture", "--seed", "--list-shape", "--control", "--control-token"]) {
      expect(help.stdout).toContain(`  ${option} `)
    }
    expect(shortHelp.stdout).toBe(help.stdout)
    expect([printed.code, printed.stdout]).toEqual([0, `${version}\n`])
  }, 30_000)
})

describe("isLoopback (what --host warns about)", () => {
  it("knows loopback names and addresses from the rest", () => {
    const loopback = ["127.0.0.1", "127.1.2.3", "localhost", "api.localhost", "::1", "[::1]", "::ffff:127.0.0.1"]
    const elsewhere = ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", "::2"]
    expect(loopback.filter((host) => !isLoopback(host))).toEqual([])
    expect(elsewhere.filter(isLoopback)).toEqual([])
  })
})
