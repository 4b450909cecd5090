/**
 * The clients built by `Transport.makeClient`. Their short path makes no span for core's requests, so
 * core leaves their tracer alone; any other client (a transformed one included) gets its tracer
 * disabled for core's requests, so that the only span is core's.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type { PromiseSend } from "../Transport.ts"

/** Each client of `Transport.makeClient`, with its promise `send` if it was given one. */
const attemptClients = new WeakMap<HttpClient.HttpClient, PromiseSend | undefined>()

export const markAttemptClient = (
  client: HttpClient.HttpClient,
  send: PromiseSend | undefined
): HttpClient.HttpClient => {
  attemptClients.set(client, send)
  return client
}

export const isAttemptClient = (client: HttpClient.HttpClient): boolean => attemptClients.has(client)

/** The promise `send` of a `Transport.makeClient` client, if it has one. */
export const sendOf = (client: HttpClient.HttpClient): PromiseSend | undefined => attemptClients.get(client)
