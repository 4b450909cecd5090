import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "example-node-quickstart",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
