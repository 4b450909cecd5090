/**
 * Every session of an agent as a `Stream`: `list`, then `get` each with bounded concurrency.
 *
 * - Duplicate `get`s of one session coalesce into one call (Effect's `Request` / `RequestResolver`
 *   and a request cache), within a run and, with a shared {@link makeCache} cache, across runs.
 * - By default a session that cannot be read becomes a `Failed` value carrying its ID and typed
 *   error, and the rest go on; with `failFast: true` the stream fails with that error instead.
 * - An error of `list` fails the stream in both modes: there is nothing to go on with.
 * - Output keeps the list's order (at most `concurrency` sessions are fetched ahead).
 *
 * @since 0.1.0
 */
import type * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Request from "effect/Request"
import type * as Stream from "effect/Stream"
import type { AgentSession } from "./AgentSession.ts"
import { AgentSessions } from "./AgentSessions.ts"
import type { AgentSessionsError, GetError, ListError } from "./AgentSessionsError.ts"
import * as internal from "./internal/sessionStream.ts"

/**
 * What became of one session of the list: `Fetched` with the session, or `Failed` with the typed
 * error of its `get`. Both carry the session ID as listed.
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Console, Stream } from "effect"
 *
 * const report = SessionStream.streamAll("agt_customer_support").pipe(
 *   Stream.runForEach(SessionStream.SessionResult.$match({
 *     Fetched: ({ session }) => Console.log(session.id, session.description),
 *     Failed: ({ sessionId, error }) => Console.error(sessionId, error._tag)
 *   }))
 * )
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type SessionResult = Data.TaggedEnum<{
  Fetched: { readonly sessionId: string; readonly session: AgentSession }
  Failed: { readonly sessionId: string; readonly error: GetError }
}>

/**
 * Constructors (`Fetched`, `Failed`), the guard `$is` and the exhaustive `$match` of {@link SessionResult}.
 *
 * @example
 * ```ts
 * import { SessionNotFound, SessionStream } from "@lyzr-effect/core"
 *
 * // e.g. a test double of a stream's output
 * const failed = SessionStream.SessionResult.Failed({
 *   sessionId: "ase_gone",
 *   error: new SessionNotFound({ message: "gone", status: 404, code: "session_not_found" })
 * })
 * console.log(SessionStream.SessionResult.$is("Failed")(failed)) // true
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const SessionResult = internal.SessionResult

/**
 * The two cases of {@link SessionResult} as types of their own.
 *
 * @example
 * ```ts
 * import { SessionStream } from "@lyzr-effect/core"
 *
 * const describe = (result: SessionStream.SessionResult.Fetched | SessionStream.SessionResult.Failed) =>
 *   result._tag === "Fetched" ? result.session.description : `${result.sessionId}: ${result.error._tag}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export declare namespace SessionResult {
  /**
   * A session that was read.
   *
   * @example
   * ```ts
   * import { SessionStream } from "@lyzr-effect/core"
   * import { Stream } from "effect"
   *
   * const isFetched = SessionStream.SessionResult.$is("Fetched")
   * const sessions = SessionStream.streamAll("agt_customer_support").pipe(
   *   Stream.filter(isFetched),
   *   Stream.map((result: SessionStream.SessionResult.Fetched) => result.session)
   * )
   * ```
   *
   * @since 0.1.0
   */
  export type Fetched = Extract<SessionResult, { readonly _tag: "Fetched" }>
  /**
   * A session whose `get` failed; `error` says why.
   *
   * @example
   * ```ts
   * import { SessionStream } from "@lyzr-effect/core"
   *
   * const report = (failed: SessionStream.SessionResult.Failed): string =>
   *   `${failed.sessionId} could not be read: ${failed.error._tag} (${failed.error.message})`
   * ```
   *
   * @since 0.1.0
   */
  export type Failed = Extract<SessionResult, { readonly _tag: "Failed" }>
}

/**
 * How to stream.
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Stream } from "effect"
 *
 * // a helper of your own that passes the options on, always fail-fast
 * const allSessions = (agentId: string, options: Omit<SessionStream.StreamAllOptions, "failFast"> = {}) =>
 *   Stream.runCollect(SessionStream.streamAll(agentId, { ...options, failFast: true }))
 *
 * const some = allSessions("agt_customer_support", { concurrency: 4 })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamAllOptions {
  /** `get` calls in flight at once. Default {@link defaultConcurrency}. */
  readonly concurrency?: number | undefined
  /**
   * A cache shared across runs (see {@link makeCache}): a session read within its time to live is
   * not requested again. Failures are never kept. Without one, only requests in flight coalesce.
   */
  readonly cache?: Request.Cache | undefined
  /** Fail the stream with the first `get` error instead of emitting `Failed` results. Default `false`. */
  readonly failFast?: boolean | undefined
}

/**
 * The signature of {@link streamAll}: its element and error types follow `failFast`.
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Stream } from "effect"
 *
 * const streamAll: SessionStream.StreamAll<AgentSessions> = SessionStream.streamAll
 *
 * // Stream<AgentSession, AgentSessionsError, AgentSessions>
 * const enabled = streamAll("agt_customer_support", { failFast: true }).pipe(
 *   Stream.filter((session) => session.enabled)
 * )
 * // Stream<SessionResult, ListError, AgentSessions>
 * const results = streamAll("agt_customer_support")
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamAll<I> {
  /** Fail-fast: the sessions themselves; the first error of `list` or of any `get` fails the stream. */
  (
    agentId: string,
    options: StreamAllOptions & { readonly failFast: true }
  ): Stream.Stream<AgentSession, AgentSessionsError, I>
  /** Every session as a {@link SessionResult}; only an error of `list` fails the stream. */
  (
    agentId: string,
    options?: StreamAllOptions & { readonly failFast?: false | undefined }
  ): Stream.Stream<SessionResult, ListError, I>
}

/**
 * The signature of {@link streamEach}: like {@link StreamAll} without `list`, so only `get` errors remain.
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 *
 * const streamEach: SessionStream.StreamEach<AgentSessions> = SessionStream.streamEach
 * const page = ["ase_customer_support_001", "ase_customer_support_002"]
 *
 * // Stream<SessionResult, never, AgentSessions>: each failure is a Failed value
 * const results = streamEach("agt_customer_support", page)
 * // Stream<AgentSession, GetError, AgentSessions>
 * const sessions = streamEach("agt_customer_support", page, { failFast: true })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamEach<I> {
  /** Fail-fast: the sessions themselves; the first `get` error fails the stream. */
  (
    agentId: string,
    sessionIds: Iterable<string>,
    options: StreamAllOptions & { readonly failFast: true }
  ): Stream.Stream<AgentSession, GetError, I>
  /** Every session as a {@link SessionResult}; the stream itself never fails. */
  (
    agentId: string,
    sessionIds: Iterable<string>,
    options?: StreamAllOptions & { readonly failFast?: false | undefined }
  ): Stream.Stream<SessionResult, never, I>
}

/**
 * `get` calls in flight at once when no `concurrency` is given.
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Stream } from "effect"
 *
 * // half the default, to stay well inside a tight rate limit
 * const gentle = SessionStream.streamAll("agt_customer_support", {
 *   concurrency: Math.max(1, Math.floor(SessionStream.defaultConcurrency / 2))
 * }).pipe(Stream.runDrain)
 * ```
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultConcurrency: number = internal.defaultConcurrency

/**
 * Every session of `agentId`, in list order.
 *
 * @example
 * ```ts
 * import { SessionStream } from "@lyzr-effect/core"
 * import { Stream } from "effect"
 *
 * // Stream<AgentSession, AgentSessionsError, AgentSessions>
 * const all = SessionStream.streamAll("agt_customer_support", { concurrency: 8, failFast: true }).pipe(
 *   Stream.runCollect
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const streamAll: StreamAll<AgentSessions> = internal.make(AgentSessions)

/**
 * The given sessions of `agentId`, in the given order, with the concurrency, coalescing and caching of
 * {@link streamAll}: for IDs you already hold (a page of a list, a selection), or to know the total
 * before fetching (a progress bar).
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Effect, Stream } from "effect"
 *
 * const withTotal = Effect.gen(function*() {
 *   const ids = yield* Effect.flatMap(AgentSessions, (sessions) => sessions.list("agt_customer_support"))
 *   console.log(`${ids.length} sessions`)
 *   // Stream<SessionResult, never, AgentSessions>: per-session errors are values
 *   yield* Stream.runDrain(SessionStream.streamEach("agt_customer_support", ids))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const streamEach: StreamEach<AgentSessions> = internal.makeEach(AgentSessions)

/**
 * A request cache for {@link StreamAllOptions.cache}: sessions read through it are kept for
 * `timeToLive` (keep it short: sessions change), at most `capacity` of them (default 4096).
 *
 * @example
 * ```ts
 * import { AgentSessions, SessionStream } from "@lyzr-effect/core"
 * import { Effect, Stream } from "effect"
 *
 * const twice = Effect.gen(function*() {
 *   const cache = yield* SessionStream.makeCache({ timeToLive: "30 seconds" })
 *   yield* Stream.runDrain(SessionStream.streamAll("agt_customer_support", { cache }))
 *   // within 30 s: only the list is requested again
 *   yield* Stream.runDrain(SessionStream.streamAll("agt_customer_support", { cache }))
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCache: (options: {
  readonly timeToLive: Duration.DurationInput
  readonly capacity?: number | undefined
}) => Effect.Effect<Request.Cache> = internal.makeCache
