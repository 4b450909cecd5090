/**
 * @since 0.1.0
 */

/**
 * The `lyzr-sessions` command tree and its runner, to embed or test it.
 *
 * @since 0.1.0
 */
export * as SessionsCli from "./SessionsCli.ts"

/**
 * The exit codes of `lyzr-sessions`, one per error family.
 *
 * @since 0.1.0
 */
export * as ExitCode from "./ExitCode.ts"
