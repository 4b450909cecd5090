#!/usr/bin/env node
/**
 * The `lyzr-emulator` command (`bin` of `@lyzr-effect/emulator`): the emulator
 * on a local port, configured by flags; `lyzr-emulator --help` lists them. An
 * entry point, not a module to import: it runs the command when loaded.
 *
 * @since 0.1.0
 */
import { main } from "./internal/cli.ts"

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lyzr-emulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
