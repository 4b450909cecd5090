/**
 * One attempt's deadline and abort (`Transport.Attempt`): a timer of its own, cleared when the attempt
 * ends (`AbortSignal.timeout` would keep one pending per call for the whole timeout), and an abort that
 * is an `EventEmitter` for undici, with the `AbortSignal` made only when a client reads `signal`.
 */
import type { AbortEmitter, Attempt } from "../Transport.ts"

export class AttemptState implements Attempt, AbortEmitter {
  aborted = false
  reason: unknown = undefined
  private controller: AbortController | undefined = undefined
  private listeners: Array<() => void> | undefined = undefined
  private readonly timer: ReturnType<typeof setTimeout>

  constructor(
    readonly maxResponseBytes: number,
    readonly requestInit: RequestInit,
    timeoutMillis: number
  ) {
    this.timer = setTimeout(
      () => this.cancel(new DOMException("the attempt's deadline passed", "TimeoutError")),
      timeoutMillis
    )
  }

  get abort(): AbortEmitter {
    return this
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort(this.reason)
    }
    return this.controller.signal
  }

  /**
   * Ends the attempt: its timer cleared and, unless it succeeded, its abort fired. An attempt that did not
   * succeed may leave a request in flight or a body unread, and the client gives core's requests no signal
   * of its own (`Transport.makeClient`): this ends them.
   */
  end(succeeded: boolean): void {
    clearTimeout(this.timer)
    if (!succeeded) this.cancel(new DOMException("the attempt ended", "AbortError"))
  }

  private cancel(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.controller?.abort(reason)
    const listeners = this.listeners
    this.listeners = undefined
    if (listeners !== undefined) { for (const listener of listeners) listener() }
  }

  on(event: "abort", listener: () => void): this {
    if (event === "abort" && !this.aborted) (this.listeners ??= []).push(listener)
    return this
  }

  once(event: "abort", listener: () => void): this {
    return this.on(event, listener)
  }

  addListener(event: "abort", listener: () => void): this {
    return this.on(event, listener)
  }

  removeListener(event: "abort", listener: () => void): this {
    const listeners = this.listeners
    if (event === "abort" && listeners !== undefined) {
      const at = listeners.indexOf(listener)
      if (at !== -1) listeners.splice(at, 1)
    }
    return this
  }

  off(event: "abort", listener: () => void): this {
    return this.removeListener(event, listener)
  }
}
