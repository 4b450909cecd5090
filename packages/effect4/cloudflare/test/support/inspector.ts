/**
 * A Worker's V8 heap, read through workerd's inspector (Miniflare's `inspectorPort`) with the DevTools
 * protocol: a heap snapshot (which collects all garbage first; workerd does not answer
 * `HeapProfiler.collectGarbage`), then the used size. For checks that a Worker's state does not grow.
 * Node 24's own `WebSocket` (a global since Node 22) speaks to it; the Effect 3 line's copy of this helper
 * takes undici's, for Node 20.
 */
import type { Miniflare } from "miniflare"

export interface Inspector {
  /** The worker's used heap in bytes, after a full garbage collection. */
  readonly heapUsed: () => Promise<number>
  readonly close: () => void
}

interface Reply {
  readonly id?: number
  readonly result?: unknown
  readonly error?: { readonly message: string }
}

export const inspect = async (mf: Miniflare, worker: string): Promise<Inspector> => {
  const base = await mf.getInspectorURL()
  const socket = new WebSocket(new URL(`/core:user:${worker}`, base))
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true })
    socket.addEventListener("error", () => reject(new Error(`inspector of ${worker} at ${base} did not open`)), {
      once: true
    })
  })
  let next = 0
  const pending = new Map<number, (reply: Reply) => void>()
  socket.addEventListener("message", (event) => {
    const reply = JSON.parse(String(event.data)) as Reply
    if (reply.id !== undefined) pending.get(reply.id)?.(reply)
  })
  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next
      pending.set(id, (reply) => {
        pending.delete(id)
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`))
        else resolve(reply.result)
      })
      socket.send(JSON.stringify({ id, method, params }))
    })
  return {
    heapUsed: async () => {
      // The snapshot's chunks arrive as events, which are dropped: only its full collection matters.
      await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false })
      const usage = (await send("Runtime.getHeapUsage")) as { usedSize: number }
      return usage.usedSize
    },
    close: () => socket.close()
  }
}
