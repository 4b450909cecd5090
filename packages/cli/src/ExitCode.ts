/**
 * The exit codes of `lyzr-sessions`: one per error family, so scripts can tell "fix your input"
 * from "check your key" from "try again later" without parsing text.
 *
 * | code | family        | errors                                                            |
 * | ---- | ------------- | ----------------------------------------------------------------- |
 * | 0    | ok            |                                                                   |
 * | 1    | other         | anything unexpected (a bug: please report it)                      |
 * | 2    | usage         | bad flags or arguments, bad config, `InvalidRequest`, `ValidationError` |
 * | 3    | auth          | `Unauthorized`, `Forbidden`                                        |
 * | 4    | not found     | `AgentNotFound`, `SessionNotFound`                                 |
 * | 5    | rate limited  | `RateLimitExceeded`                                                |
 * | 6    | unavailable   | `ServerError`, `TransportError`, `RequestTimeout`                  |
 * | 7    | bad response  | `UnexpectedResponse`, `ResponseDecodeError`                        |
 *
 * @since 0.1.0
 */
import type { AgentSessionsError } from "@lyzr-effect/core"

/**
 * The exit code of each family, by name.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@lyzr-effect/cli"
 * import { spawnSync } from "node:child_process"
 *
 * const { status } = spawnSync("lyzr-sessions", ["dump", "agt_customer_support"], { stdio: "inherit" })
 * if (status === ExitCode.ExitCode.rateLimited || status === ExitCode.ExitCode.unavailable) {
 *   console.error("worth another try later")
 * }
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  other: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  rateLimited: 5,
  unavailable: 6,
  badResponse: 7
} as const

/**
 * One of the exit codes, as a type.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@lyzr-effect/cli"
 *
 * const worthRetrying = (code: ExitCode.ExitCode): boolean =>
 *   code === ExitCode.ExitCode.rateLimited || code === ExitCode.ExitCode.unavailable
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/**
 * The exit code of an API error's family.
 *
 * @example
 * ```ts
 * import { ExitCode } from "@lyzr-effect/cli"
 * import { AgentSessions } from "@lyzr-effect/core"
 * import { Effect } from "effect"
 *
 * // Effect<ExitCode, never, AgentSessions>: ok, or the family of the error
 * const code = Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support")).pipe(
 *   Effect.as<ExitCode.ExitCode>(ExitCode.ExitCode.ok),
 *   Effect.catchAll((error) => Effect.succeed(ExitCode.ofError(error)))
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const ofError = (error: AgentSessionsError): ExitCode => {
  switch (error._tag) {
    case "InvalidRequest":
    case "ValidationError":
      return ExitCode.usage
    case "Unauthorized":
    case "Forbidden":
      return ExitCode.auth
    case "AgentNotFound":
    case "SessionNotFound":
      return ExitCode.notFound
    case "RateLimitExceeded":
      return ExitCode.rateLimited
    case "ServerError":
    case "TransportError":
    case "RequestTimeout":
      return ExitCode.unavailable
    case "UnexpectedResponse":
    case "ResponseDecodeError":
      return ExitCode.badResponse
  }
}
