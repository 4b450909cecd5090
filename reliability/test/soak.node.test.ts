/**
 * The fault soak through NodeLyzr over real loopback sockets, against the emulator's Node host:
 * `calls` requests (1,000 in CI, 10,000 with RELIABILITY=full) at concurrency 64 with about 34 % of attempts
 * faulted, some of the faults echoing the key in each of its forms (`echoFaults`). Each call's expected
 * outcome comes from the emulator's log of its own attempts; no error, rendering or log line may show
 * the key in any form or in part.
 * Then: interrupting a call mid-retry stops it at once and leaves nothing running.
 */
import { AgentSessions, type AgentSessionsError, RetryPolicy } from "@lyzr-effect/core"
import { Emulator } from "@lyzr-effect/emulator"
import { serveNode } from "@lyzr-effect/emulator/node"
import { NodeLyzr } from "@lyzr-effect/node"
import { Cause, Effect, Exit, Fiber, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { numberAttempts } from "./support/attempts.ts"
import { leakIn } from "./support/echo.ts"
import { eventually, openSockets, outcomeOf, rejectionWatch, settledHeap, sleep } from "./support/process.ts"
import {
  agentOf,
  burstAt,
  burstRule,
  burstSize,
  faultRules,
  kindOf,
  report,
  scaled,
  sessionOf,
  soakFixture,
  soakKey,
  verdict
} from "./support/soak.ts"

const calls = scaled("RELIABILITY_SOAK", 1_000, 10_000)
// Room for a busy machine: about 50 calls/s at worst seen, 1,000/s when idle.
const testTimeout = Math.max(120_000, calls * 60)
const concurrency = 64
const maxRetries = 2
// Short waits so the run is about faults, not sleeping: backoff from 10 ms. The per-attempt timeout
// (what a hang costs) is 5 s: on a busy 2-core machine 64 calls at once can take seconds to be read.
const policy = RetryPolicy.make({ maxRetries, initialDelay: "10 millis", maxDelay: "80 millis" })
const timeout = "5 seconds"

const rejections = rejectionWatch()
beforeAll(() => rejections.install())
afterAll(() => rejections.uninstall())

/**
 * Every log line of the run, at every level (a retry writes a debug line with the failure's status and
 * request id), checked for the key as it is written; the lines themselves are not kept.
 */
const logs = { lines: 0, leaks: [] as Array<string> }
const logging = Layer.merge(
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, cause, message }) => {
      logs.lines++
      const text = [
        ...(Array.isArray(message) ? message : [message]).map(String),
        ...[...annotations].map(([name, value]) => `${name}=${String(value)}`),
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause)
      ].join(" ")
      if (leakIn(soakKey, text) !== undefined && logs.leaks.length < 20) logs.leaks.push(text)
    })
  ),
  Logger.minimumLogLevel(LogLevel.All)
)

/** Attempts per path, as the client counted them (see `numberAttempts`). */
const counts = new Map<string, number>()
const pathOf = (i: number) =>
  kindOf(i) === "list" ? `/v1/agent/${agentOf(i)}/sessions` : `/v2/agents/${agentOf(i)}/sessions/${sessionOf(i)}`

/** One call of the soak, as a plain outcome with the client's attempt count. */
const soakCall = (i: number) =>
  Effect.flatMap(AgentSessions, (sessions): Effect.Effect<unknown, AgentSessionsError> =>
    kindOf(i) === "list"
      ? sessions.list(agentOf(i))
      : Effect.map(
        sessions.get(agentOf(i), sessionOf(i)),
        (s) => ({ id: s.id, agent_id: s.agent_id, enabled: s.enabled })
      )).pipe(
      Effect.exit,
      Effect.map((exit) => ({ ...outcomeOf(exit, soakKey), attempts: counts.get(pathOf(i)) ?? 0 }))
    )

describe("fault soak through NodeLyzr over loopback sockets", () => {
  it(
    `${calls} calls at concurrency ${concurrency}, 34 % faulted (some echoing the key in every form): each ends as its log calls for, within the policy, the key in no error or log line; sockets and heap come back`,
    async () => {
      // The verdict reads every attempt from the log: room for all of them (the default keeps 1,000).
      const emulator = Emulator.make({ fixture: soakFixture(calls), seed: 7, requestLogSize: calls * (1 + maxRetries) })
      const server = await serveNode(emulator)
      try {
        const layer = NodeLyzr.layer({
          apiKey: soakKey,
          baseUrl: server.url,
          retryPolicy: policy,
          timeout,
          transformClient: numberAttempts(counts)
        }).pipe(Layer.merge(logging))

        // Warm-up over every fault path (module loading, JIT, lazily built state), then the baselines with
        // the pool closed: the heap growth measured after is what the run itself left behind.
        const warm = ManagedRuntime.make(layer)
        for (const rule of faultRules()) emulator.inject(rule)
        await warm.runPromise(
          Effect.forEach(Array.from({ length: Math.min(calls, 200) }, (_, i) => i), soakCall, { concurrency })
        )
        await warm.dispose()
        emulator.reset()
        counts.clear()
        expect(await eventually(() => openSockets() === 0)).toBe(true)
        const socketsBefore = openSockets()
        const heapBefore = await settledHeap()

        for (const rule of faultRules()) emulator.inject(rule)
        const bursts = burstAt(calls)
        const runtime = ManagedRuntime.make(layer)
        let peakSockets = 0
        const sampler = setInterval(() => {
          peakSockets = Math.max(peakSockets, openSockets())
        }, 50)
        const started = performance.now()
        let outcomes = await runtime.runPromise(
          Effect.forEach(
            Array.from({ length: calls }, (_, i) => i),
            (i) =>
              Effect.zipRight(
                Effect.sync(() => bursts.has(i) && emulator.inject(burstRule(burstSize(calls)))),
                soakCall(i)
              ),
            { concurrency }
          )
        )
        const elapsedMs = performance.now() - started
        clearInterval(sampler)
        const socketsWhileOpen = openSockets()
        let log = emulator.requests
        const result = verdict(outcomes, log, 1 + maxRetries)

        await runtime.dispose()
        const socketsClosed = await eventually(() => openSockets() <= socketsBefore)
        // Drop what the test itself holds (outcomes, log snapshot, the emulator's log) before measuring.
        outcomes = []
        log = []
        emulator.reset()
        counts.clear()
        const heapAfter = await settledHeap()

        const figures = {
          ...result,
          elapsedMs: Math.round(elapsedMs),
          callsPerSecond: Math.round(calls / (elapsedMs / 1000)),
          sockets: { before: socketsBefore, peak: peakSockets, poolOpen: socketsWhileOpen, afterClose: openSockets() },
          heapMiB: {
            before: +(heapBefore / 2 ** 20).toFixed(1),
            after: +(heapAfter / 2 ** 20).toFixed(1),
            growth: +((heapAfter - heapBefore) / 2 ** 20).toFixed(2)
          },
          unhandledRejections: rejections.reasons.length,
          logLines: logs.lines
        }
        report(`node soak ${JSON.stringify(figures)}`)

        expect(result.mismatches).toEqual([])
        expect(result.defects).toBe(0)
        expect(result.keyLeaks).toBe(0)
        expect(logs.leaks).toEqual([])
        expect(logs.lines).toBeGreaterThan(0)
        // The echoing answers were served, so the checks above saw the key in every form.
        expect(result.faultsByType["status"] ?? 0).toBeGreaterThan(0)
        expect(result.faultsByType["redirect"] ?? 0).toBeGreaterThan(0)
        expect(result.maxAttempts).toBeLessThanOrEqual(1 + maxRetries)
        expect(result.faultShare).toBeGreaterThan(0.25)
        // Timing, not correctness (see `verdict`): on an idle machine this is 0.
        expect(result.lateAttempts).toBeLessThanOrEqual(Math.ceil(result.attempts / 10))
        expect(rejections.reasons).toEqual([])
        expect(socketsClosed).toBe(true)
        expect(peakSockets).toBeLessThanOrEqual(2 * (concurrency + 8)) // both ends of each pooled connection
        expect(heapAfter - heapBefore).toBeLessThan(16 * 2 ** 20)
      } finally {
        await server.close()
      }
    },
    testTimeout
  )
})

describe("interrupting a call mid-retry", () => {
  const setup = async (fault: Emulator.Fault, maxRetries = 5) => {
    const emulator = Emulator.make({ seed: 3 })
    const server = await serveNode(emulator)
    emulator.inject({ fault })
    const runtime = ManagedRuntime.make(
      NodeLyzr.layer({ apiKey: Emulator.keys.full, baseUrl: server.url, maxRetries, timeout: "30 seconds" }).pipe(
        Layer.orDie
      )
    )
    const fiber = runtime.runFork(
      Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(Effect.exit)
    )
    return { emulator, server, runtime, fiber }
  }

  it("during the wait between attempts: it ends at once, and no further request reaches the server", async () => {
    const socketsBefore = openSockets()
    // 429 asking for 400 ms each time: the call spends nearly all its life waiting to retry.
    const { emulator, fiber, runtime, server } = await setup({ type: "rateLimit", retryAfterMs: "400" })
    try {
      expect(await eventually(() => emulator.requests.length === 1)).toBe(true)
      await sleep(50) // inside the 400 ms wait
      const started = performance.now()
      const exit = await Effect.runPromise(Fiber.interrupt(fiber))
      const interruptMs = performance.now() - started
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(interruptMs).toBeLessThan(50)
      await sleep(1000) // past two more retry waits
      expect(emulator.requests).toHaveLength(1)
      report(`interrupt during backoff: ${interruptMs.toFixed(2)} ms, requests after: 0`)
    } finally {
      await runtime.dispose()
      await server.close()
    }
    expect(await eventually(() => openSockets() <= socketsBefore)).toBe(true)
  })

  it("during a hung attempt: it ends at once, the request's socket is closed, and no retry is sent", async () => {
    const socketsBefore = openSockets()
    const { emulator, fiber, runtime, server } = await setup({ type: "hang" })
    try {
      expect(await eventually(() => emulator.requests.length === 1)).toBe(true)
      expect(openSockets()).toBeGreaterThan(socketsBefore)
      const started = performance.now()
      const exit = await Effect.runPromise(Fiber.interrupt(fiber))
      const interruptMs = performance.now() - started
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(interruptMs).toBeLessThan(50)
      // The aborted request's connection goes (both ends), with the pool and the server still open.
      expect(await eventually(() => openSockets() <= socketsBefore)).toBe(true)
      await sleep(500)
      expect(emulator.requests).toHaveLength(1)
      report(`interrupt during a hung attempt: ${interruptMs.toFixed(2)} ms`)
    } finally {
      await runtime.dispose()
      await server.close()
    }
  })
})
