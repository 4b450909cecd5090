#!/usr/bin/env node
// The `lyzr-emulator` command inside this repository's workspace (`pnpm exec lyzr-emulator`): it runs
// the build in dist/. The published package's bin is dist/bin.js itself (package.json publishConfig.bin);
// this launcher exists so that `pnpm install` on a fresh clone, before any build, has a file to link.
const built = new URL("../dist/bin.js", import.meta.url)
try {
  await import(built.href)
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes(built.pathname)) {
    process.stderr.write(
      "lyzr-emulator: not built yet: run `npx pnpm@10.34.8 --filter @lyzr-effect/emulator build` first\n"
    )
    process.exitCode = 1
  } else throw error
}
