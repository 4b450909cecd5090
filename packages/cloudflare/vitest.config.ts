import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "cloudflare",
    include: ["test/**/*.test.ts"],
    // Bundling a Worker and starting workerd in beforeAll takes well over a minute on a busy 2-core machine.
    hookTimeout: 240_000
  }
})
