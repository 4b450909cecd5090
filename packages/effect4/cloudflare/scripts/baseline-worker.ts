/**
 * The Effect 4 bundle-size baseline: a Worker that uses only `effect` 4 for one GET of a session with
 * what the SDK gives every call — a Schema decode, a timeout, retries with backoff and a span — the
 * least an Effect 4 app calling this API by hand would ship.
 */
import { Effect, Schedule, Schema } from "effect"
import { FetchHttpClient, HttpClient, HttpClientResponse } from "effect/http"

const Session = Schema.Struct({
  id: Schema.String,
  agent_id: Schema.String,
  description: Schema.optional(Schema.NullOr(Schema.String)),
  metadata: Schema.optional(Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown))),
  enabled: Schema.Boolean,
  created_at: Schema.DateTimeUtcFromString
})
const decodeSession = Schema.decodeUnknownEffect(Session)

export default {
  fetch: (request: Request, env: { readonly LYZR_API_KEY: string; readonly LYZR_BASE_URL: string }) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const id = new URL(request.url).pathname.slice(1)
      const response = yield* client.get(`${env.LYZR_BASE_URL}/v2/agents/agt_x/sessions/${id}`, {
        headers: { "x-api-key": env.LYZR_API_KEY }
      }).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))
      const session = yield* Effect.flatMap(response.json, decodeSession)
      return Response.json({ id: session.id })
    }).pipe(
      Effect.timeout("30 seconds"),
      Effect.retry({ schedule: Schedule.exponential("500 millis"), times: 2 }),
      Effect.withSpan("AgentSessions.get"),
      Effect.catch(() => Effect.succeed(new Response("error", { status: 502 }))),
      Effect.provide(FetchHttpClient.layer),
      Effect.runPromise
    )
}
