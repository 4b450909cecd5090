import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "deno",
    include: ["test/**/*.test.ts"],
    // Each test spawns deno; `deno check` type-checks effect's declarations on every run (~15 s CPU).
    testTimeout: 120_000
  }
})
