/**
 * A scenario's script played in process: each request to the configured origin gets the next step as a
 * web `Response` (its body a pull stream, so a client that stops reading is seen), a transport failure
 * shaped as undici reports it, or no answer. Requests to any other origin are recorded and get a decoy
 * answer. A runner wraps this in its line's `HttpClient`; only web standards are used here.
 */
import { bodyBytes, type Context, isJsonBody, render } from "./fixtures.ts"
import type { Reply, Scenario, Step } from "./Scenario.ts"
import type { ObservedRequest } from "./verify.ts"

/** What the fake client does with one request. */
export type Played =
  /** Answer with `response` after `delayMillis` of the client's clock. */
  | { readonly _tag: "response"; readonly response: Response; readonly delayMillis: number }
  /** Fail as a transport error with `error` as the cause. */
  | { readonly _tag: "fault"; readonly error: Error }
  /** Never answer. */
  | { readonly _tag: "hang" }

const withCode = (message: string, code: string, name = "Error"): Error => {
  const error = new Error(message)
  error.name = name
  return Object.assign(error, { code })
}

/** The errors undici's fetch gives for each fault. */
export const faultError = (fault: "reset" | "close-before-headers" | "body"): Error => {
  switch (fault) {
    case "reset":
      return new TypeError("fetch failed", { cause: withCode("read ECONNRESET", "ECONNRESET") })
    case "close-before-headers":
      return new TypeError("fetch failed", { cause: withCode("other side closed", "UND_ERR_SOCKET", "SocketError") })
    case "body":
      return new TypeError("terminated", { cause: withCode("other side closed", "UND_ERR_SOCKET", "SocketError") })
  }
}

/** The headers of a reply, as a server sends them. */
export const replyHeaders = (reply: Reply, context: Context, length: number): Record<string, string> => {
  const headers: Record<string, string> = {}
  if (isJsonBody(reply.body)) headers["content-type"] = "application/json"
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = render(value, context)
  if (reply.chunked === undefined && !noBody(reply.status)) headers["content-length"] = String(length)
  return headers
}

/** Statuses that carry no body. */
export const noBody = (status: number): boolean => status === 204 || status === 304 || (status >= 100 && status < 200)

export const isFault = (step: Step): step is Extract<Step, { readonly fault: unknown }> => "fault" in step

/** The answer to a request past the end of the script. */
export const exhausted: Reply = { status: 599, headers: { "content-type": "text/plain" }, body: "script exhausted" }

/** The answer other origins give (a request there is a failure of the redirect rule; this makes it visible). */
export const decoy: Reply = { status: 200, body: { json: { sessions: ["decoy"] } } }

/** Plays a scenario's script in process. */
export const playInProcess = (scenario: Scenario, context: Omit<Context, "now">) => {
  const requests: Array<ObservedRequest> = []
  const unread: Array<() => boolean> = []
  let next = 0
  let activity = 0
  const base = new URL(context.base).origin

  const respond = (reply: Reply, now: number): Response => {
    const full = { ...context, now }
    const bytes = noBody(reply.status) ? new Uint8Array(0) : bodyBytes(reply.body, full)
    const headers = replyHeaders(reply, full, bytes.byteLength)
    const size = reply.chunked ?? Math.max(bytes.byteLength, 1)
    const stopAt = reply.breakAfterBytes ?? reply.stallAfterBytes ?? bytes.byteLength
    let offset = 0
    unread.push(() => offset < bytes.byteLength)
    const body = bytes.byteLength === 0 && reply.breakAfterBytes === undefined && reply.stallAfterBytes === undefined
      ? null
      : new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= stopAt) {
            if (reply.breakAfterBytes !== undefined) return controller.error(faultError("body"))
            if (reply.stallAfterBytes !== undefined) return new Promise<void>(() => {})
            return controller.close()
          }
          activity++
          const chunk = bytes.slice(offset, Math.min(offset + size, stopAt))
          offset += chunk.byteLength
          controller.enqueue(chunk)
        }
      }, { highWaterMark: 0 })
    try {
      return new Response(body, { status: reply.status, headers })
    } catch {
      // Statuses the constructor refuses: build a 200 and set the status on the instance.
      const response = new Response(body, { status: 200, headers })
      Object.defineProperty(response, "status", { value: reply.status })
      return response
    }
  }

  return {
    requests,
    /** Counts answers and body reads: a runner waits until it stops moving before it advances a test clock. */
    activity: (): number => activity,
    /** Whether some body was not read to its end. */
    bodyAbandoned: (): boolean => unread.some((isUnread) => isUnread()),
    /** The answer to a request; `now` is the client's clock and `at` the time since the call started. */
    answer: (url: URL, method: string, headers: Readonly<Record<string, string>>, now: number, at: number): Played => {
      activity++
      const origin = url.origin === base ? "base" : "other"
      requests.push({ origin, method, path: url.pathname + url.search, headers, at })
      if (origin === "other") return { _tag: "response", response: respond(decoy, now), delayMillis: 0 }
      const step = scenario.script[next++] ?? exhausted
      if (isFault(step)) {
        return step.fault === "hang" ? { _tag: "hang" } : { _tag: "fault", error: faultError(step.fault) }
      }
      return { _tag: "response", response: respond(step, now), delayMillis: step.delayMillis ?? 0 }
    }
  }
}
