// A vitest 5 project of the Effect 4 line, run under Node 24 by `pnpm test:effect4`.
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "example-effect4-quickstart",
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000
  }
})
