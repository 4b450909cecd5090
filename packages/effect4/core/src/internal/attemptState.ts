/**
 * One attempt's limits (`Transport.Attempt`) on the wire's `Deadline`: its timer, its abort as an
 * `EventEmitter` for undici, and the `AbortSignal` made only when a client reads `signal`.
 */
import { Transport as WireTransport } from "@lyzr-effect/wire"
import type { AbortEmitter, Attempt } from "../Transport.ts"

export class AttemptState extends WireTransport.Deadline implements Attempt {
  readonly maxResponseBytes: number
  readonly requestInit: RequestInit

  constructor(maxResponseBytes: number, requestInit: RequestInit, timeoutMillis: number) {
    super(timeoutMillis)
    this.maxResponseBytes = maxResponseBytes
    this.requestInit = requestInit
  }

  get abort(): AbortEmitter {
    return this
  }
}
