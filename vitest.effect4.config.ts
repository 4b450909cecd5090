// The Effect 4 line's test projects, run by vitest 5 under Node 24: `pnpm test:effect4`
// (scripts/node24.mjs runs packages/effect4/core's vitest 5 with this file as --config).
// The root vitest.config.ts + vitest.workspace.ts keep the Effect 3 projects on vitest 3.2.
// No import from "vitest/config" here: from the repository root that name resolves to vitest 3.
export default {
  test: {
    projects: [
      "packages/effect4/core",
      "packages/effect4/emulator",
      "packages/effect4/node",
      "packages/effect4/deno",
      "packages/effect4/cloudflare",
      "examples/effect4-quickstart",
      "behaviour/effect4"
    ]
  }
}
