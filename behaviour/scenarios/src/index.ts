/**
 * The behaviour suite of the SDK, written once as data and run by one small runner per Effect line, in
 * process and over real sockets. Nothing here imports Effect.
 */
import type { Scenario } from "./Scenario.ts"
import { body } from "./scenarios/body.ts"
import { config } from "./scenarios/config.ts"
import { endpoints } from "./scenarios/endpoints.ts"
import { errors } from "./scenarios/errors.ts"
import { ids } from "./scenarios/ids.ts"
import { redaction } from "./scenarios/redaction.ts"
import { redirects } from "./scenarios/redirects.ts"
import { retryScenarios } from "./scenarios/retries.ts"

export * from "./fixtures.ts"
export type * from "./Scenario.ts"
export * from "./verify.ts"

/** Every scenario, grouped by the contract's areas. */
export const scenarios: ReadonlyArray<Scenario> = [
  ...endpoints,
  ...ids,
  ...errors,
  ...retryScenarios,
  ...redirects,
  ...body,
  ...redaction,
  ...config
]

/** The twelve error tags every line must produce. */
export const errorTags = [
  "InvalidRequest",
  "Unauthorized",
  "Forbidden",
  "AgentNotFound",
  "SessionNotFound",
  "ValidationError",
  "RateLimitExceeded",
  "ServerError",
  "UnexpectedResponse",
  "ResponseDecodeError",
  "TransportError",
  "RequestTimeout"
] as const
