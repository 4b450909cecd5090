#!/usr/bin/env node
/**
 * The `lyzr-sessions` executable.
 *
 * @since 0.1.0
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as SessionsCli from "./SessionsCli.ts"

NodeRuntime.runMain(SessionsCli.run(process.argv).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  // The program returns its exit code; runMain exits with it (and leaves a 0 to the event loop).
  // Ctrl-C / SIGTERM interrupt the program itself: 130, as shells report an interrupted command.
  teardown: (exit, onExit) =>
    onExit(Exit.isSuccess(exit) ? Number(exit.value) : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
})
