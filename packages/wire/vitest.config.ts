import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "wire",
    include: ["test/**/*.test.ts"],
    // The files share no state (every test builds its own layers and TestClock): one module graph
    // for all of them halves the suite's CPU time.
    isolate: false,
    // Properties run thousands of cases; on a busy 2-core machine one can pass vitest's 5 s default.
    testTimeout: 60_000
  }
})
