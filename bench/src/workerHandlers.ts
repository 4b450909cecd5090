/**
 * What the Workers rows of both lines share, with no Effect: a `fetch` handler's shape, the bare
 * handler they are measured against, and the loop that drives a handler.
 */
import { apiKey, getPath, isSession } from "./fixtures.ts"

export interface Env {
  readonly LYZR_API_KEY?: string
  readonly LYZR_BASE_URL?: string
}

export type FetchHandler = (
  request: Request,
  env: Env,
  ctx: { readonly waitUntil: (promise: Promise<unknown>) => void }
) => Promise<Response>

export interface WorkerContender {
  readonly name: string
  readonly handler: FetchHandler
  readonly dispose: () => Promise<void>
}

export const bareName = "bare fetch handler: fetch + JSON + shape check + Response.json"

/** The same GET and the same small JSON answer as the SDK's handlers, by hand. */
export const bare: WorkerContender = {
  name: bareName,
  handler: async (_request, env) => {
    const response = await fetch(`${env.LYZR_BASE_URL}${getPath}`, {
      headers: { "x-api-key": env.LYZR_API_KEY ?? "", accept: "application/json" },
      redirect: "manual"
    })
    const json: unknown = await response.json()
    if (response.status !== 200 || !isSession(json)) return new Response("bad gateway", { status: 502 })
    const session = json as { readonly id: string; readonly description?: string | null }
    return Response.json({ id: session.id, description: session.description })
  },
  dispose: async () => {}
}

/** `n` requests, one at a time, each answered and its body read. */
export const run = async (contender: WorkerContender, origin: string, n: number): Promise<void> => {
  const env: Env = { LYZR_API_KEY: apiKey, LYZR_BASE_URL: origin }
  const ctx = { waitUntil: () => {} }
  for (let i = 0; i < n; i++) {
    const response = await contender.handler(new Request("https://worker.test/session"), env, ctx)
    const body = await response.text()
    if (response.status !== 200) throw new Error(`bench: ${contender.name} answered ${response.status}: ${body}`)
  }
}

/** Rounds in rotating order; per contender the CPU µs per request of each round. */
export const rounds = async (
  contenders: ReadonlyArray<WorkerContender>,
  origin: string,
  config: { readonly requests: number; readonly warmup: number; readonly rounds: number }
): Promise<ReadonlyArray<ReadonlyArray<number>>> => {
  for (const contender of contenders) await run(contender, origin, config.warmup)
  const cpu = contenders.map((): Array<number> => [])
  for (let round = 0; round < config.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length
      const before = process.cpuUsage()
      await run(contenders[i]!, origin, config.requests)
      const used = process.cpuUsage(before)
      cpu[i]!.push((used.user + used.system) / config.requests)
    }
  }
  return cpu
}
