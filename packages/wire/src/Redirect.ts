/**
 * The redirect rule: same-origin redirects are followed up to a limit; a redirect to another origin, to
 * an invalid `Location`, or to a URL holding the key is never followed, so the key stays with the
 * base origin.
 *
 * @since 0.1.0
 */
import { type ErrorRecord, requestIdOf } from "./ErrorRecord.ts"
import type { Redactor } from "./Redaction.ts"

/**
 * Whether a status is a redirect that carries a `Location` to follow.
 *
 * @example
 * ```ts
 * import { Redirect } from "@lyzr-effect/wire"
 *
 * Redirect.isRedirect(307) // true
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRedirect = (status: number): boolean =>
  status === 301 || status === 302 || status === 303 || status === 307 || status === 308

/**
 * Where a redirect leads: the next URL to request, or the record of why it is not followed.
 *
 * @example
 * ```ts
 * import { Redaction, Redirect } from "@lyzr-effect/wire"
 *
 * const next = Redirect.next({
 *   from: new URL("https://x.test/v1/agent/a/sessions"),
 *   status: 302,
 *   headers: { location: "https://evil.test/steal" },
 *   baseOrigin: "https://x.test",
 *   redirects: 0,
 *   maxRedirects: 5,
 *   redactor: Redaction.make("sk-1")
 * })
 * // next is an ErrorRecord: "redirected to another origin (https://evil.test); not followed, ..."
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const next = (input: {
  readonly from: URL
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly baseOrigin: string
  /** Redirects followed so far in this attempt. */
  readonly redirects: number
  readonly maxRedirects: number
  readonly redactor: Redactor
}): URL | ErrorRecord => {
  const location = input.headers["location"] ?? ""
  // An empty reference resolves to the URL itself: without a Location there is nothing to follow.
  const target = location !== "" && URL.canParse(location, input.from) ? new URL(location, input.from) : undefined
  const requestId = requestIdOf(input.headers)
  // The URL parser rewrites a Location (in an http(s) path "\" reads as "/", so a JSON-escaped `\/`
  // becomes "//"; tabs go): a key the redactor finds in the header can come out of the parser in a
  // form no redactor knows. Such a Location is kept as sent, for the record's redaction to scrub.
  const holdsKey = location !== "" &&
    (input.redactor.contains(location) || (target !== undefined && input.redactor.contains(target.href)))
  const refuse = (message: string): ErrorRecord => ({
    tag: "UnexpectedResponse",
    message,
    status: input.status,
    url: input.from.href,
    ...(location === "" ? {} : { location: holdsKey ? location : target?.href ?? location }),
    ...(requestId === undefined ? {} : { requestId })
  })
  if (location === "") return refuse(`a ${input.status} redirect without a Location header`)
  if (target === undefined) return refuse("redirected to an invalid Location")
  if (target.origin !== input.baseOrigin) {
    return refuse(
      `redirected to another origin (${target.origin}); not followed, so the API key stays with ${input.baseOrigin}`
    )
  }
  // Requesting a URL that holds the key would put it in spans and logs. The header is checked as sent
  // too: the URL parser rewrites some of it ("\" to "/" in a path, tabs dropped, dot segments resolved).
  if (holdsKey) return refuse("redirected to a URL that contains the API key; not followed")
  if (input.redirects >= input.maxRedirects) return refuse(`more than ${input.maxRedirects} redirects`)
  return target
}
