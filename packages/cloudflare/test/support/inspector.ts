/**
 * A Worker's V8 heap, read through workerd's inspector (Miniflare's `inspectorPort`) with the DevTools
 * protocol: a heap snapshot (which collects all garbage first; workerd does not answer
 * `HeapProfiler.collectGarbage`), then the used size. For checks that a Worker's state does not grow.
 */
import type { Miniflare } from "miniflare"
import { WebSocket } from "undici"

export interface Inspector {
  /** The worker's used heap in bytes, after a full garbage collection. */
  readonly heapUsed: () => Promise<number>
  readonly close: () => void
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
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>()
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } }
    if (message.id !== undefined) pending.get(message.id)?.(message)
  })
  const send = (method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++next
      pending.set(id, (message) => {
        pending.delete(id)
        if (message.error) reject(new Error(`${method}: ${message.error.message}`))
        else resolve(message.result)
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
