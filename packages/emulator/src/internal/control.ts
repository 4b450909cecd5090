import type { FaultRule, LoggedRequest, Options } from "../Emulator.ts"

/** The header a control request carries its token in. @internal */
export const tokenHeader = "x-emulator-token"

// A fault rule is a few hundred bytes; anything this large is not one.
const maxBodyBytes = 64 * 1024

/** What the control API can do to its emulator. @internal */
export interface Controls {
  readonly inject: (rule: FaultRule) => void
  readonly clearFaults: () => void
  readonly requests: () => ReadonlyArray<LoggedRequest>
  readonly reset: () => void
}

/**
 * Reads the `control` option: `undefined` when the control API is off.
 * @internal
 */
export const controlSetting = (option: Options["control"]): { readonly token: string | undefined } | undefined => {
  if (option === undefined || option === false) return undefined
  if (option === true) return { token: undefined }
  if (typeof option === "object" && option !== null && typeof option.token === "string" && option.token !== "") {
    return { token: option.token }
  }
  // The value is not repeated: it may hold the token.
  throw new RangeError(`Invalid emulator option control: expected true, false or { token: "<a non-empty string>" }`)
}

const encoder = new TextEncoder()

// Compares every byte whatever the first difference, so the time taken says nothing about the token.
const sameToken = (given: string | null, token: string): boolean => {
  if (given === null) return false
  const a = encoder.encode(given)
  const b = encoder.encode(token)
  let difference = a.byteLength ^ b.byteLength
  for (let i = 0; i < b.byteLength; i++) difference |= (a[i] ?? 0) ^ b[i]!
  return difference === 0
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } })

const noContent = (): Response => new Response(null, { status: 204 })

class BodyTooLarge extends Error {}

const readText = async (request: Request): Promise<string> => {
  const declared = Number(request.headers.get("content-length") ?? "0")
  if (declared > maxBodyBytes) throw new BodyTooLarge()
  if (request.body === null) return ""
  const reader = request.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBodyBytes) {
      await reader.cancel()
      throw new BodyTooLarge()
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(all)
}

const endpoints: { readonly [path: string]: ReadonlyArray<string> } = {
  "/__emulator/faults": ["POST", "DELETE"],
  "/__emulator/requests": ["GET"],
  "/__emulator/reset": ["POST"]
}

const answer = async (controls: Controls, request: Request, path: string): Promise<Response> => {
  const method = request.method.toUpperCase()
  const allowed = endpoints[path]!
  if (!allowed.includes(method)) return json(405, { detail: "Method Not Allowed" }, { allow: allowed.join(", ") })
  switch (`${method} ${path}`) {
    case "POST /__emulator/faults": {
      let rule: unknown
      try {
        rule = JSON.parse(await readText(request))
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          return json(413, { detail: `The fault rule is over ${maxBodyBytes} bytes` })
        }
        return json(400, { detail: `The body is not JSON: ${error instanceof Error ? error.message : String(error)}` })
      }
      try {
        controls.inject(rule as FaultRule)
      } catch (error) {
        return json(400, { detail: error instanceof Error ? error.message : String(error) })
      }
      return noContent()
    }
    case "DELETE /__emulator/faults":
      controls.clearFaults()
      return noContent()
    case "GET /__emulator/requests":
      return json(200, controls.requests())
    default:
      controls.reset()
      return noContent()
  }
}

/**
 * The control API of one emulator. Answers a request for one of its endpoints when the API is on and
 * the request carries the token (if one is set); `undefined` otherwise, so the request goes on to the
 * service, which answers it as any unknown route (404).
 * @internal
 */
export const makeControl = (
  option: Options["control"],
  controls: Controls
): (request: Request) => Promise<Response> | undefined => {
  const setting = controlSetting(option)
  return (request) => {
    if (setting === undefined) return undefined
    const path = new URL(request.url).pathname
    if (!Object.hasOwn(endpoints, path)) return undefined
    if (setting.token !== undefined && !sameToken(request.headers.get(tokenHeader), setting.token)) return undefined
    return answer(controls, request, path)
  }
}
