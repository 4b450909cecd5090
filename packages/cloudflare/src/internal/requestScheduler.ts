/**
 * The scheduler of one request: its own queue, drained in microtasks, with a macrotask (`setTimeout`)
 * after 2,048 drains in a row so that a busy request still lets I/O callbacks run, as Effect's
 * `MixedScheduler(2048)` does. Not `MixedScheduler` itself: since effect 3.20 each instance keeps a
 * `WeakMap` of runners per fiber, and making one per request cost ≈ 50 µs of CPU (mostly GC) per
 * request in Node; a request's fibers can share one queue, because nothing else does.
 */
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as Scheduler from "effect/Scheduler"

export class RequestScheduler implements Scheduler.Scheduler {
  private tasks = new Scheduler.PriorityBuckets()
  private running = false
  private drains = 0

  shouldYield(fiber: Fiber.RuntimeFiber<unknown, unknown>): number | false {
    return fiber.currentOpCount > fiber.getFiberRef(FiberRef.currentMaxOpsBeforeYield)
      ? fiber.getFiberRef(FiberRef.currentSchedulingPriority)
      : false
  }

  scheduleTask(task: Scheduler.Task, priority: number): void {
    this.tasks.scheduleTask(task, priority)
    if (!this.running) {
      this.running = true
      this.schedule()
    }
  }

  private schedule(): void {
    if (++this.drains >= 2048) {
      this.drains = 0
      setTimeout(this.drain, 0)
    } else {
      queueMicrotask(this.drain)
    }
  }

  private drain = (): void => {
    const buckets = this.tasks.buckets
    this.tasks.buckets = []
    for (const [, tasks] of buckets) {
      for (let i = 0; i < tasks.length; i++) tasks[i]!()
    }
    if (this.tasks.buckets.length === 0) {
      this.running = false
      this.drains = 0
    } else {
      this.schedule()
    }
  }
}
