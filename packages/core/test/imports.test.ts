import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
      ? [join(dir, entry.name)]
      : []
  )

describe("imports", () => {
  // The barrel loads @effect/platform/MsgPack, whose msgpackr reads process.env while loading: under Deno
  // that throws NotCapable without --allow-env, before any of the user's code can handle it.
  it("core loads @effect/platform through its modules, never through the barrel", () => {
    const offenders = sourceFiles(join(import.meta.dirname, "../src")).filter((file) =>
      /^import (?!type )[^\n]* from "@effect\/platform"/m.test(readFileSync(file, "utf8"))
    )
    expect(offenders).toEqual([])
  })
})
