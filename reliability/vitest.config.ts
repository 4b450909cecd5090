import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "reliability",
    include: ["test/**/*.test.ts"],
    // Real sockets and real runtimes: the soak and the runtime runs take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // --expose-gc: the soak compares the heap after gc with the heap before it.
    pool: "forks",
    poolOptions: { forks: { execArgv: ["--expose-gc"] } }
  }
})
