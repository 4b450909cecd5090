/**
 * A one-line progress bar on stderr, drawn only when enabled (the caller checks that stderr is a
 * terminal: see `output.isTerminal`). Lines printed while it is
 * shown go through `print`, which clears the bar first, so output and bar never mix on one line.
 */
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"

export interface Progress {
  /** One more item done (failed or not). */
  readonly advance: (failed: boolean) => Effect.Effect<void>
  /** Prints a line of output (stdout) or of diagnostics (stderr) without garbling the bar. */
  readonly print: (line: string, to: "stdout" | "stderr") => Effect.Effect<void>
  /** Removes the bar. */
  readonly clear: Effect.Effect<void>
}

const width = 28
const redrawEveryMillis = 50

const bar = (label: string, done: number, failed: number, total: number): string => {
  const filled = total === 0 ? width : Math.round((done / total) * width)
  const failures = failed > 0 ? `, ${failed} failed` : ""
  return `${label} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${done}/${total}${failures}`
}

const emit = (line: string, to: "stdout" | "stderr") => (to === "stdout" ? Console.log(line) : Console.error(line))

/** Nothing drawn: output goes straight through. */
const silent: Progress = {
  advance: () => Effect.void,
  print: emit,
  clear: Effect.void
}

/** Where the bar is drawn: stderr, or a stand-in in tests. */
export interface Terminal {
  readonly isTTY?: boolean | undefined
  readonly columns?: number | undefined
  readonly write: (text: string) => unknown
}

export const make = (
  label: string,
  total: number,
  options: { readonly enabled: boolean; readonly stderr?: Terminal }
): Progress => {
  const stderr: Terminal = options.stderr ?? process.stderr
  if (!options.enabled) return silent
  let done = 0
  let failed = 0
  let shown = false
  let lastDraw = Number.NEGATIVE_INFINITY
  const erase = Effect.sync(() => {
    if (shown) stderr.write("\r\x1b[2K")
    shown = false
  })
  const draw = Effect.sync(() => {
    const text = bar(label, done, failed, total)
    stderr.write(`\r\x1b[2K${text.slice(0, Math.max(10, (stderr.columns || 80) - 1))}`)
    shown = true
  })
  return {
    advance: (didFail) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        done++
        if (didFail) failed++
        if (done < total && now - lastDraw < redrawEveryMillis) return Effect.void
        lastDraw = now
        return draw
      }),
    print: (line, to) => Effect.zipRight(erase, Effect.zipRight(emit(line, to), done > 0 ? draw : Effect.void)),
    clear: erase
  }
}
