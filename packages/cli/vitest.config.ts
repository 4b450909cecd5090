import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "cli",
    include: ["test/**/*.test.ts"],
    // The binary tests spawn node (≈0.5 s of CPU each); on a loaded machine that takes a while.
    testTimeout: 60_000
  }
})
