// A vitest 5 project: `vitest/config` resolves to this package's own vitest 5 (the root's is vitest 3).
// Run through the root vitest.effect4.config.ts under Node 24: `pnpm test:effect4`.
import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "behaviour-effect4",
    include: ["test/**/*.test.ts"]
  }
})
