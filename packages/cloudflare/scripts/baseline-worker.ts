/**
 * The bundle-size baseline: a Worker that uses only Effect, Schema and `HttpClient` (FetchHttpClient)
 * for one GET and a decode — the least an Effect app calling this API would ship.
 */
import { FetchHttpClient, HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Schema } from "effect"

const Session = Schema.Struct({
  id: Schema.String,
  agent_id: Schema.String,
  description: Schema.optional(Schema.String),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  enabled: Schema.Boolean,
  created_at: Schema.DateTimeUtc
})

export default {
  fetch: (request: Request, env: { readonly LYZR_API_KEY: string; readonly LYZR_BASE_URL: string }) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const id = new URL(request.url).pathname.slice(1)
      const response = yield* client.get(`${env.LYZR_BASE_URL}/v2/agents/agt_x/sessions/${id}`, {
        headers: { "x-api-key": env.LYZR_API_KEY }
      })
      const session = yield* HttpClientResponse.schemaBodyJson(Session)(response)
      return Response.json({ id: session.id })
    }).pipe(
      Effect.catchAll(() => Effect.succeed(new Response("error", { status: 502 }))),
      Effect.provide(FetchHttpClient.layer),
      Effect.runPromise
    )
}
