/**
 * `SessionsCli.run` in process (no spawn): the exit code of every error family, and where the key
 * must not appear. Configuration comes from a `ConfigProvider` map instead of the environment.
 */
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { AgentSessions } from "@lyzr-effect/core"
import { NodeLyzr } from "@lyzr-effect/node"
import { Settings } from "@lyzr-effect/wire"
import { ConfigProvider, Console, Effect } from "effect"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { ExitCode, SessionsCli } from "../src/index.ts"

const canary = "sk-CANARY-in-process-8c2b"
const agent = "agt_customer_support"

/** Runs the CLI on `args` with `env` as its configuration, capturing what it prints. */
const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Console.consoleWith((base) => {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const capture = (into: Array<string>) => (...args: ReadonlyArray<unknown>) =>
      Effect.sync(() => void into.push(args.join(" ")))
    const console: Console.Console = { ...base, log: capture(stdout), error: capture(stderr) }
    return SessionsCli.run(["node", "lyzr-sessions", ...args]).pipe(
      Console.withConsole(console),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(NodeContext.layer),
      Effect.map((code) => ({ code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }))
    )
  })

const faults = (rules: ReadonlyArray<unknown>) => ({ LYZR_EMULATOR_FAULTS: JSON.stringify(rules) })

describe("exit codes", () => {
  const cases: ReadonlyArray<
    [name: string, expected: ExitCode.ExitCode, args: Array<string>, env?: Record<string, string>]
  > = [
    ["a missing argument is usage (2)", 2, ["get", agent, "--emulator"]],
    ["an unknown --format is usage (2)", 2, ["list", agent, "--format", "xml", "--emulator"]],
    ["a malformed --timeout is usage (2)", 2, ["list", agent, "--timeout", "soon", "--emulator"]],
    ["a plain-http base URL off loopback is usage (2)", 2, [
      "list",
      agent,
      "--base-url",
      "http://example.com",
      "--api-key",
      "k"
    ]],
    ["an ID rejected before any request (InvalidRequest) is usage (2)", 2, [
      "get",
      agent,
      "not-a-session",
      "--emulator"
    ]],
    ["an unknown key (Unauthorized) is auth (3)", 3, ["list", agent, "--api-key", "nope", "--emulator"]],
    ["a key without access (Forbidden) is auth (3)", 3, [
      "list",
      "agt_sales_assistant",
      "--api-key",
      "lyzr-emulator-restricted-key",
      "--emulator"
    ]],
    ["an unknown agent (AgentNotFound) is not found (4)", 4, ["list", "agt_nobody", "--emulator"]],
    ["an unknown session (SessionNotFound) is not found (4)", 4, ["get", agent, "ase_nobody", "--emulator"]],
    [
      "a 429 past the longest wait (RateLimitExceeded) is rate limited (5)",
      5,
      ["list", agent, "--emulator"],
      faults([{ fault: { type: "rateLimit", retryAfter: "120" } }])
    ],
    [
      "a 500 (ServerError) is unavailable (6)",
      6,
      ["list", agent, "--emulator", "--max-retries", "0"],
      faults([{ fault: { type: "serverError" } }])
    ],
    [
      "a reset connection (TransportError) is unavailable (6)",
      6,
      ["list", agent, "--emulator", "--max-retries", "0"],
      faults([{ fault: { type: "reset" } }])
    ],
    [
      "a 200 of the wrong shape (ResponseDecodeError) is bad response (7)",
      7,
      ["list", agent, "--emulator"],
      faults([{ fault: { type: "wrongShape" } }])
    ],
    [
      "a redirect to another origin (UnexpectedResponse) is bad response (7)",
      7,
      ["list", agent, "--emulator"],
      faults([{ fault: { type: "redirect", location: "https://elsewhere.example/x" } }])
    ]
  ]
  for (const [name, expected, args, env] of cases) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const { code, stderr } = yield* cli(args, env)
        assert.strictEqual(code, expected, stderr)
        assert.match(stderr, /\S/, "says why on stderr")
      }))
  }

  it.effect("dump exits with the code of the first session it could not read, after printing the rest", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* cli(
        ["dump", agent, "--emulator"],
        faults([{ route: "get", sessionId: "ase_customer_support_001", fault: { type: "status", status: 403 } }])
      )
      assert.strictEqual(code, ExitCode.ExitCode.auth)
      assert.deepStrictEqual(stdout.split("\n").map((line) => JSON.parse(line).id), [
        "ase_customer_support_002",
        "ase_customer_support_003"
      ])
      assert.include(stderr, "ase_customer_support_001: Forbidden")
    }))

  it.effect("dump --fail-fast stops at the first session it cannot read", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* cli(
        ["dump", agent, "--emulator", "--fail-fast", "--concurrency", "1"],
        faults([{ route: "get", sessionId: "ase_customer_support_001", fault: { type: "status", status: 404 } }])
      )
      assert.strictEqual(code, ExitCode.ExitCode.notFound)
      assert.include(stderr, "SessionNotFound")
    }))
})

describe("configuration", () => {
  it.effect("reads the key from LYZR_API_KEY when no --api-key is given", () =>
    Effect.gen(function*() {
      // A connection refused on loopback proves the key was accepted and a request was attempted.
      const { code, stderr } = yield* cli(["list", agent, "--base-url", "http://127.0.0.1:9", "--max-retries", "0"], {
        LYZR_API_KEY: canary
      })
      assert.strictEqual(code, ExitCode.ExitCode.unavailable, stderr)
      assert.include(stderr, "TransportError")
      assert.notInclude(stderr, canary)
    }))

  it.effect("with --emulator, ignores LYZR_API_KEY and uses the emulator's key", () =>
    Effect.gen(function*() {
      const { code, stdout } = yield* cli(["list", agent, "--emulator"], { LYZR_API_KEY: canary })
      assert.strictEqual(code, ExitCode.ExitCode.ok)
      assert.include(stdout, "ase_customer_support_001")
    }))

  it.effect("never prints the key, even when the service rejects it", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* cli(["dump", agent, "--api-key", canary, "--emulator"])
      assert.strictEqual(code, ExitCode.ExitCode.auth)
      assert.notInclude(stdout + stderr, canary)
    }))
})

describe("messages name the setting as the user set it", () => {
  const usage = (args: Array<string>, env: Record<string, string> = {}) =>
    Effect.map(cli(args, env), ({ code, stderr }) => {
      assert.strictEqual(code, ExitCode.ExitCode.usage, stderr)
      return stderr
    })

  it.effect("a plain-http --base-url is refused with the flag that permits it", () =>
    Effect.gen(function*() {
      const stderr = yield* usage(["list", agent, "--base-url", "http://example.com", "--api-key", "k"])
      assert.match(stderr, /^lyzr-sessions: --base-url: http:\/\/example\.com uses plain http/)
      assert.include(stderr, "pass --allow-insecure-http")
      assert.notInclude(stderr, "allowInsecureHttp")
    }))

  it.effect("a plain-http LYZR_BASE_URL is refused with the variable that permits it", () =>
    Effect.gen(function*() {
      const stderr = yield* usage(["list", agent], { LYZR_BASE_URL: "http://example.com", LYZR_API_KEY: canary })
      assert.match(stderr, /^lyzr-sessions: LYZR_BASE_URL: /)
      assert.include(stderr, "set LYZR_ALLOW_INSECURE_HTTP=true")
      assert.notInclude(stderr, canary)
    }))

  it.effect("--allow-insecure-http, before or after the command, permits a plain-http base URL", () =>
    Effect.gen(function*() {
      for (
        const args of [
          ["--allow-insecure-http", "list", agent, "--base-url", "http://example.com", "--emulator"],
          ["list", agent, "--base-url", "http://example.com", "--emulator", "--allow-insecure-http"]
        ]
      ) {
        const { code, stderr } = yield* cli(args)
        assert.strictEqual(code, ExitCode.ExitCode.ok, stderr)
      }
    }))

  it.effect("a bad LYZR_TIMEOUT or LYZR_MAX_RETRIES is named as the variable", () =>
    Effect.gen(function*() {
      assert.match(
        yield* usage(["list", agent, "--emulator"], { LYZR_TIMEOUT: "soon" }),
        /^lyzr-sessions: LYZR_TIMEOUT: /
      )
      assert.match(
        yield* usage(["list", agent, "--emulator"], { LYZR_MAX_RETRIES: "-1" }),
        /^lyzr-sessions: LYZR_MAX_RETRIES: must be a whole number of at least 0, got -1/
      )
    }))

  it.effect("a key that cannot be sent is named as the flag or the variable it came from, never shown", () =>
    Effect.gen(function*() {
      const key = `${canary}\r\nx-evil: 1`
      const fromFlag = yield* usage(["list", agent, "--api-key", key])
      const fromEnv = yield* usage(["list", agent], { LYZR_API_KEY: key })
      assert.match(fromFlag, /^lyzr-sessions: --api-key: the API key contains a line break/)
      assert.match(fromEnv, /^lyzr-sessions: LYZR_API_KEY: the API key contains a line break/)
      assert.notInclude(fromFlag + fromEnv, canary)
    }))

  it.effect("a TransportError is printed with the SDK's own message", () =>
    Effect.gen(function*() {
      // A loopback port that was just free: nothing listens there.
      const port = yield* Effect.async<number>((resume) => {
        const server = createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as { port: number }
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const baseUrl = `http://127.0.0.1:${port}`
      const error = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list(agent)).pipe(
        // As the CLI passes them: marked as flags, so that the advice names `--base-url`.
        Effect.provide(
          NodeLyzr.layer({ apiKey: canary, baseUrl, maxRetries: 0, [Settings.sourceKey]: "flag" } as never)
        ),
        Effect.flip
      )
      assert.strictEqual(error._tag, "TransportError")
      const { code, stderr } = yield* cli(["list", agent, "--base-url", baseUrl, "--max-retries", "0"], {
        LYZR_API_KEY: canary
      })
      assert.strictEqual(code, ExitCode.ExitCode.unavailable)
      // The message whole (core's, which says what failed and where), then any facts in parentheses.
      assert.isTrue(stderr.startsWith(`lyzr-sessions: TransportError: ${error.message}`), stderr)
      assert.include(stderr, "--base-url")
      assert.notInclude(stderr, "baseUrl")
      assert.notInclude(stderr, canary)
    }))
})

describe("version", () => {
  it("is the version in package.json", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    assert.strictEqual(SessionsCli.version, version)
  })
})
