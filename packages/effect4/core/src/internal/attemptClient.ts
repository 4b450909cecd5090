/**
 * The clients built by `Transport.makeClient` that were given a promise `send`, so that the service can
 * find it on the `HttpClient` it is built on and run each attempt in one suspension.
 */
import type * as HttpClient from "effect/http/HttpClient"
import type { PromiseSend } from "../Transport.ts"

const sends = new WeakMap<HttpClient.HttpClient, PromiseSend>()

export const markSend = (client: HttpClient.HttpClient, send: PromiseSend | undefined): HttpClient.HttpClient => {
  if (send !== undefined) sends.set(client, send)
  return client
}

/** The promise `send` of a `Transport.makeClient` client, if it was given one. */
export const sendOf = (client: HttpClient.HttpClient): PromiseSend | undefined => sends.get(client)
