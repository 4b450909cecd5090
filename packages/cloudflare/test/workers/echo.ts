/**
 * A Worker as an app writes one, for the echo tests: `GET /list/:agentId`, `GET /get/:agentId/:sessionId`
 * through `CloudflareLyzr.handler`, errors answered by its default mapping (`errorResponse`), every failure
 * logged with its cause, and logging at every level (a retry writes a debug line).
 */
import { AgentSessions } from "@lyzr-effect/core"
import { Effect, Logger, LogLevel } from "effect"
import { CloudflareLyzr } from "../../src/index.ts"

export default {
  fetch: CloudflareLyzr.handler((request) =>
    Effect.gen(function*() {
      const [route = "", agentId = "", sessionId = ""] = new URL(request.url).pathname.split("/").filter(Boolean)
      const sessions = yield* AgentSessions
      const value = route === "list" ? yield* sessions.list(agentId) : yield* sessions.get(agentId, sessionId)
      return Response.json({ value })
    }).pipe(
      Effect.tapErrorCause((cause) => Effect.logError("echo worker: the call failed", cause)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
  )
}
