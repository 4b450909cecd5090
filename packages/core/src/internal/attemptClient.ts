/**
 * The clients built by `Transport.makeClient`. Their short path makes no span for core's requests, so
 * core leaves their tracer alone; any other client (a transformed one included) gets its tracer
 * disabled for core's requests, so that the only span is core's.
 */
import type * as HttpClient from "@effect/platform/HttpClient"

const attemptClients = new WeakSet<HttpClient.HttpClient>()

export const markAttemptClient = (client: HttpClient.HttpClient): HttpClient.HttpClient => {
  attemptClients.add(client)
  return client
}

export const isAttemptClient = (client: HttpClient.HttpClient): boolean => attemptClients.has(client)
