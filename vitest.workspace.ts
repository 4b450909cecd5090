// The test projects, one per package or example. The root vitest.config.ts feeds this list
// to `test.projects` (Vitest 3.2 deprecates loading a workspace file on its own).
export default [
  "packages/wire",
  "packages/core",
  "packages/emulator",
  "packages/node",
  "packages/cloudflare",
  "packages/deno",
  "examples/node-quickstart",
  "reliability",
  "packages/cli",
  "examples/effect-app",
  "bench",
  "behaviour/effect3"
]
