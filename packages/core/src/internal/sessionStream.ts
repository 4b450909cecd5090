import type * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Request from "effect/Request"
import * as RequestResolver from "effect/RequestResolver"
import * as Stream from "effect/Stream"
import type { AgentSession } from "../AgentSession.ts"
import type { AgentSessionsService } from "../AgentSessions.ts"
import type { AgentSessionsError, GetError } from "../AgentSessionsError.ts"
import type * as api from "../SessionStream.ts"

/** @internal */
export const SessionResult = Data.taggedEnum<api.SessionResult>()

/** @internal */
export const defaultConcurrency = 4

/**
 * One `get`. The service is a field so that requests made through two differently configured
 * services (another key, another base URL) are never equal: a shared cache can then never hand a
 * session read with one key to a caller holding another. Data's structural equality compares the
 * service by reference.
 */
class GetSession extends Request.TaggedClass("GetSession")<AgentSession, GetError, {
  readonly service: AgentSessionsService
  readonly agentId: string
  readonly sessionId: string
}> {}

// Batching is not needed (the API has no batch endpoint): each request is its own `get`.
// The resolver holds no state, so a module-level constant does no I/O and keeps no data.
const resolver = RequestResolver.fromEffect((request: GetSession) =>
  request.service.get(request.agentId, request.sessionId)
)

/** @internal */
export const makeCache = (options: {
  readonly timeToLive: Duration.DurationInput
  readonly capacity?: number | undefined
}): Effect.Effect<Request.Cache> =>
  Request.makeCache({ capacity: options.capacity ?? 4096, timeToLive: options.timeToLive })

/**
 * A `get` through the request cache. Concurrent requests for the same session share one call.
 * `keep` decides what stays in the cache once the call is done: with a user's cache successes stay
 * (for its time to live) and failures go, so a transient 429 is not replayed; with the per-run
 * cache nothing stays, so memory is bounded by the requests in flight, not by the agent's size.
 */
const fetchSession = (
  cache: Request.Cache,
  keep: boolean,
  request: GetSession
): Effect.Effect<AgentSession, GetError> =>
  Effect.request(request, resolver).pipe(
    Effect.withRequestCaching(true),
    Effect.withRequestCache(cache),
    Effect.onExit((exit) => keep && exit._tag === "Success" ? Effect.void : cache.invalidate(request))
  )

/** The sessions of `ids`, fetched with bounded concurrency and coalescing, in the order of `ids`. */
const streamOf = <E>(
  service: AgentSessionsService,
  agentId: string,
  ids: Stream.Stream<string, E>,
  spanName: string,
  options: api.StreamAllOptions
): Stream.Stream<api.SessionResult | AgentSession, E | GetError> => {
  // Fewer than one (or NaN) would never start a request: treat it as one.
  const requested = options.concurrency ?? defaultConcurrency
  const concurrency = requested >= 1 ? Math.floor(requested) : 1
  const run = (cache: Request.Cache, keep: boolean): Stream.Stream<api.SessionResult | AgentSession, E | GetError> => {
    const fetch = (sessionId: string) => fetchSession(cache, keep, new GetSession({ service, agentId, sessionId }))
    return options.failFast === true
      ? Stream.mapEffect(ids, fetch, { concurrency })
      : Stream.mapEffect(
        ids,
        (sessionId) =>
          Effect.match(fetch(sessionId), {
            onFailure: (error): api.SessionResult => SessionResult.Failed({ sessionId, error }),
            onSuccess: (session): api.SessionResult => SessionResult.Fetched({ sessionId, session })
          }),
        { concurrency }
      )
  }
  const stream = options.cache !== undefined
    ? run(options.cache, true)
    : Stream.unwrap(Effect.map(makeCache({ timeToLive: Duration.infinity }), (cache) => run(cache, false)))
  return Stream.withSpan(stream, spanName, {
    kind: "internal",
    attributes: { "lyzr.agent_id": String(agentId), "lyzr.concurrency": concurrency }
  })
}

/** @internal */
export const streamAll = (
  service: AgentSessionsService,
  agentId: string,
  options: api.StreamAllOptions = {}
): Stream.Stream<api.SessionResult | AgentSession, AgentSessionsError> =>
  streamOf(service, agentId, Stream.fromIterableEffect(service.list(agentId)), "AgentSessions.streamAll", options)

/** @internal */
export const streamEach = (
  service: AgentSessionsService,
  agentId: string,
  sessionIds: Iterable<string>,
  options: api.StreamAllOptions = {}
): Stream.Stream<api.SessionResult | AgentSession, GetError> =>
  streamOf(service, agentId, Stream.fromIterable(sessionIds), "AgentSessions.streamEach", options)

/** The stream of `streamAll` for the service under `tag`, typed by `failFast`. @internal */
export const make = <I>(tag: Context.Tag<I, AgentSessionsService>): api.StreamAll<I> =>
  ((agentId: string, options?: api.StreamAllOptions) =>
    Stream.unwrap(Effect.map(tag, (service) => streamAll(service, agentId, options)))) as api.StreamAll<I>

/** `streamEach` for the service under `tag`, typed by `failFast`. @internal */
export const makeEach = <I>(tag: Context.Tag<I, AgentSessionsService>): api.StreamEach<I> =>
  ((agentId: string, sessionIds: Iterable<string>, options?: api.StreamAllOptions) =>
    Stream.unwrap(Effect.map(tag, (service) => streamEach(service, agentId, sessionIds, options)))) as api.StreamEach<I>
