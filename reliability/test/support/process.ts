/**
 * What the suites watch in their own Node process: unhandled rejections, open sockets, the heap after
 * gc, and exits turned into plain outcomes.
 */
import type { AgentSessionsError } from "@lyzr-effect/core"
import { Cause, Chunk, Exit, Option } from "effect"
import { Socket } from "node:net"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { errorLeaks } from "./echo.ts"
import type { Outcome } from "./soak.ts"

/** Counts `unhandledRejection` events from `install()` until `uninstall()`. */
export const rejectionWatch = () => {
  const reasons: Array<unknown> = []
  const listener = (reason: unknown) => {
    reasons.push(reason)
  }
  return {
    reasons,
    install: () => {
      process.on("unhandledRejection", listener)
    },
    uninstall: () => {
      process.off("unhandledRejection", listener)
    }
  }
}

/** Open TCP sockets of this process, client and server sides alike (stdio and IPC pipes are not counted). */
export const openSockets = (): number =>
  (process as unknown as { _getActiveHandles(): Array<unknown> })._getActiveHandles().filter((h) =>
    h instanceof Socket && h.remotePort !== undefined
  ).length

/** A full gc: `--expose-gc` when vitest passed it, otherwise switched on at run time. */
export const gc: () => void = (() => {
  let collect = (globalThis as { gc?: () => void }).gc
  return () => {
    if (collect === undefined) {
      setFlagsFromString("--expose-gc")
      collect = runInNewContext("gc") as () => void
    }
    collect()
  }
})()

/** Heap in use after two full collections, in bytes. */
export const settledHeap = async (): Promise<number> => {
  for (let i = 0; i < 2; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  gc()
  return process.memoryUsage().heapUsed
}

/** Resolves once `predicate` holds (polled every 10 ms), or with false after `timeoutMs`. */
export const eventually = async (predicate: () => boolean, timeoutMs = 3000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Whether the key shows, in any form or in part (`leakIn`), in the error (its fields, `String`,
 * `JSON.stringify`) or its cause (`Cause.pretty`).
 */
export const shows = (key: string, error: unknown, cause?: Cause.Cause<unknown>): boolean =>
  errorLeaks(key, error, cause === undefined ? [] : [Cause.pretty(cause)])

/** An exit as a plain outcome: a value, a typed error's tag, or anything else (defect, interruption). */
export const outcomeOf = <A>(
  exit: Exit.Exit<A, AgentSessionsError>,
  key: string,
  value: (a: A) => unknown = (a) => a
): Outcome => {
  if (Exit.isSuccess(exit)) return { ok: true, value: value(exit.value) }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isNone(failure) || Chunk.isNonEmpty(Cause.defects(exit.cause)) || Cause.isInterrupted(exit.cause)) {
    return { defect: Cause.pretty(exit.cause) }
  }
  return { ok: false, tag: failure.value._tag, keyLeaked: shows(key, failure.value, exit.cause) }
}
