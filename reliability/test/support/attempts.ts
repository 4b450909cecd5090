/**
 * Numbers each call's attempts on the client: every request gets `?attempt=<n>` (n counted per path,
 * i.e. per call in the soak). The emulator ignores the query string but logs the URL, so the log says
 * which attempt each request was, even when a busy server reads them out of order or reads one the
 * client already gave up on. Runs in Node, Deno and workerd alike.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"

export const numberAttempts = (counts: Map<string, number>) => (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.mapRequest(client, (request) => {
    const path = new URL(request.url).pathname
    const n = (counts.get(path) ?? 0) + 1
    counts.set(path, n)
    return HttpClientRequest.setUrlParam(request, "attempt", String(n))
  })

/** The attempt number of a logged URL (0 when it has none). */
export const attemptOf = (url: string): number => Number(new URL(url).searchParams.get("attempt") ?? 0)
