import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "effect-app",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
