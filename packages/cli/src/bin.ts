#!/usr/bin/env node
/**
 * The `lyzr-sessions` executable.
 *
 * @since 0.1.0
 */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect, Exit } from "effect"
import * as SessionsCli from "./SessionsCli.ts"

NodeRuntime.runMain(SessionsCli.run(process.argv).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  // The program returns its exit code; runMain exits with it (and leaves a 0 to the event loop).
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? Number(exit.value) : 1)
})
