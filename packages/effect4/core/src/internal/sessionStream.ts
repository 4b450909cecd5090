import * as Cache from "effect/Cache"
import type * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import type { AgentSession } from "../AgentSession.ts"
import type { AgentSessionsService } from "../AgentSessions.ts"
import type { AgentSessionsError, GetError } from "../AgentSessionsError.ts"
import type * as api from "../SessionStream.ts"

/** @internal */
export const SessionResult = Data.taggedEnum<api.SessionResult>()

/** @internal */
export const defaultConcurrency = 4

/** @internal */
export const CacheTypeId: unique symbol = Symbol.for("@lyzr-effect/effect4-core/SessionStream/SessionCache")

type Sessions = Cache.Cache<string, AgentSession, GetError>

/**
 * A user's cache: one Effect `Cache` per service, built on first use. Keying by service means a session read
 * through one service (one key, one base URL) is never handed to a caller of another.
 */
interface CacheImpl extends api.SessionCache {
  readonly timeToLive: Duration.Duration
  readonly capacity: number
  readonly byService: WeakMap<AgentSessionsService, Sessions>
}

/** A cache key naming both IDs unambiguously (either may hold any character). */
const keyOf = (agentId: string, sessionId: string): string => JSON.stringify([agentId, sessionId])

/**
 * An Effect `Cache` of `get`s. A lookup in flight is shared by every caller of the same session (and
 * interrupted only once none of them waits); `timeToLive` decides what stays once it is done.
 */
const sessionsOf = (
  service: AgentSessionsService,
  options: {
    readonly capacity: number
    readonly timeToLive: (exit: Exit.Exit<AgentSession, GetError>) => Duration.Duration
  }
): Effect.Effect<Sessions> =>
  Cache.makeWith(
    (key: string) => {
      const [agentId, sessionId] = JSON.parse(key) as [string, string]
      return service.get(agentId, sessionId)
    },
    { capacity: options.capacity, timeToLive: options.timeToLive }
  )

/** @internal */
export const makeCache = (options: {
  readonly timeToLive: Duration.Input
  readonly capacity?: number | undefined
}): Effect.Effect<api.SessionCache> =>
  Effect.sync((): CacheImpl => ({
    [CacheTypeId]: CacheTypeId,
    timeToLive: Duration.fromInputUnsafe(options.timeToLive),
    capacity: options.capacity ?? 4096,
    byService: new WeakMap()
  }))

/**
 * The `Cache` of `get`s for one run. With a user's cache, successes stay for its time to live and failures
 * go (a transient 429 is not replayed); without one, nothing stays, so memory is bounded by the requests in
 * flight, not by the agent's size, and only concurrent `get`s of one session coalesce.
 */
const cacheFor = (
  service: AgentSessionsService,
  userCache: api.SessionCache | undefined
): Effect.Effect<Sessions> => {
  if (userCache === undefined) {
    return sessionsOf(service, { capacity: Number.POSITIVE_INFINITY, timeToLive: () => Duration.zero })
  }
  const impl = userCache as CacheImpl
  const existing = impl.byService.get(service)
  if (existing !== undefined) return Effect.succeed(existing)
  return Effect.map(
    sessionsOf(service, {
      capacity: impl.capacity,
      timeToLive: (exit) => (Exit.isSuccess(exit) ? impl.timeToLive : Duration.zero)
    }),
    (sessions) => {
      // Two runs may have raced to build it: keep the first.
      const first = impl.byService.get(service)
      if (first !== undefined) return first
      impl.byService.set(service, sessions)
      return sessions
    }
  )
}

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
  type Out = Stream.Stream<api.SessionResult | AgentSession, E | GetError>
  const stream = Stream.unwrap(Effect.map(cacheFor(service, options.cache), (sessions): Out => {
    const fetch = (sessionId: string) => Cache.get(sessions, keyOf(agentId, sessionId))
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
  }))
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
export const make = <I>(tag: Context.Key<I, AgentSessionsService>): api.StreamAll<I> =>
  ((agentId: string, options?: api.StreamAllOptions) =>
    Stream.unwrap(Effect.map(tag, (service) => streamAll(service, agentId, options)))) as api.StreamAll<I>

/** `streamEach` for the service under `tag`, typed by `failFast`. @internal */
export const makeEach = <I>(tag: Context.Key<I, AgentSessionsService>): api.StreamEach<I> =>
  ((agentId: string, sessionIds: Iterable<string>, options?: api.StreamAllOptions) =>
    Stream.unwrap(
      Effect.map(tag, (service) => streamEach(service, agentId, sessionIds, options))
    )) as api.StreamEach<I>
