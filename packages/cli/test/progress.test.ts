import { assert, describe, it } from "@effect/vitest"
import { Console, Effect } from "effect"
import * as Progress from "../src/internal/progress.ts"

const terminal = () => {
  const written: Array<string> = []
  return { written, stderr: { isTTY: true, columns: 80, write: (text: string) => written.push(text) } }
}

/** What the console received, so output lines can be told from the bar. */
const quietConsole = (lines: Array<string>) =>
  Console.consoleWith((base) =>
    Effect.succeed<Console.Console>({
      ...base,
      log: (...args) => Effect.sync(() => void lines.push(args.join(" "))),
      error: (...args) => Effect.sync(() => void lines.push(args.join(" ")))
    })
  )

describe("the progress bar", () => {
  it.effect("on a terminal, draws done/total and the failures, and erases itself at the end", () =>
    Effect.gen(function*() {
      const { stderr, written } = terminal()
      const progress = Progress.make("agt_a", 2, { enabled: true, stderr })
      yield* progress.advance(false)
      yield* progress.advance(true)
      yield* progress.clear
      assert.match(written.join(""), /agt_a \[█+░+\] 1\/2/)
      assert.match(written.join(""), /agt_a \[█+\] 2\/2, 1 failed/)
      assert.strictEqual(written.at(-1), "\r\x1b[2K")
    }))

  it.effect("erases the bar before a line of output and draws it again after", () =>
    Effect.gen(function*() {
      const { stderr, written } = terminal()
      const lines: Array<string> = []
      const progress = Progress.make("agt_a", 2, { enabled: true, stderr })
      yield* progress.advance(false)
      const before = written.length
      yield* Effect.flatMap(quietConsole(lines), (console) =>
        Console.withConsole(progress.print("{\"id\":\"ase_1\"}", "stdout"), console))
      assert.deepStrictEqual(lines, ["{\"id\":\"ase_1\"}"])
      assert.strictEqual(written[before], "\r\x1b[2K")
      assert.match(written.at(-1)!, /1\/2$/)
    }))

  it.effect("draws nothing when disabled (stderr not a terminal, or --no-progress)", () =>
    Effect.gen(function*() {
      const { stderr, written } = terminal()
      const progress = Progress.make("agt_a", 1, { enabled: false, stderr })
      yield* progress.advance(false)
      yield* progress.clear
      assert.deepStrictEqual(written, [])
    }))
})
