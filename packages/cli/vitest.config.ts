import { readFileSync } from "node:fs"
import { defineProject } from "vitest/config"

const { version } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8"))

export default defineProject({
  // What scripts/bundle.mjs defines in the build: the sources under test print package.json's version.
  define: { __LYZR_CLI_VERSION__: JSON.stringify(version) },
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    // The binary tests spawn node (≈0.5 s of CPU each); on a loaded machine that takes a while.
    testTimeout: 60_000
  }
})
