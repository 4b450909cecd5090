/**
 * An in-process `HttpClient` over a `Request → Response` function, with a log of what was sent.
 * For fast unit tests of core's own logic; the adapters' tests go over real sockets.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Layer } from "effect"
import { AgentSessions, type AgentSessionsOptions } from "../src/index.ts"

export interface Sent {
  readonly url: URL
  readonly headers: Headers
  readonly redirect: RequestRedirect | undefined
}

export type Handler = (request: Request, attempt: number) => Response | Promise<Response>

export const fakeServer = (handler: Handler) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url, signal, fiber) => {
    const init = fiber.currentContext.unsafeMap.get("@effect/platform/FetchHttpClient/FetchOptions") as
      | RequestInit
      | undefined
    const webRequest = new Request(url, { method: request.method, headers: request.headers, signal })
    sent.push({ url, headers: webRequest.headers, redirect: init?.redirect })
    return Effect.tryPromise({
      try: async () => handler(webRequest, sent.length),
      catch: (cause) => new HttpClientError.RequestError({ request, reason: "Transport", cause })
    }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
  })
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })

export const testKey = "sk-test-0123456789abcdef"

/** The service over a fake server, with test-friendly defaults (no retries unless asked). */
export const sessionsWith = (handler: Handler, options: Partial<AgentSessionsOptions> = {}) => {
  const server = fakeServer(handler)
  const layer = AgentSessions.layer({ apiKey: testKey, maxRetries: 0, ...options }).pipe(Layer.provide(server.layer))
  return { ...server, layer }
}

export const seedSession = {
  id: "ase_customer_support_001",
  agent_id: "agt_customer_support",
  description: "Customer support session for billing inquiry regarding account charges and payment processing issues",
  metadata: {
    customer_id: "customer_12345",
    priority: "high",
    interaction_count: 8,
    last_interaction: "2024-01-15T14:22:30Z"
  },
  enabled: true,
  created_at: "2024-01-15T10:30:00Z"
}
