/**
 * A tracer that prints each span when it ends: name, duration, outcome and a few attributes.
 *
 * Why not OpenTelemetry: `@effect/opentelemetry` plus the SDK and a console exporter are a dozen
 * packages for what is, in an example, one line per span. Effect's `Tracer` interface is small, so
 * this is the whole exporter; swap in `@effect/opentelemetry`'s `NodeSdk.layer` for a real backend —
 * the spans (`AgentSessions.get`, `http.server GET`, ...) are the same.
 */
import { Exit, Layer, Option, Tracer } from "effect"
import type { Context } from "effect"

/** Attributes worth a glance; everything else (headers in particular) stays out of the console. */
const shown = /^(lyzr\.|dashboard\.|http\.request\.method$|http\.response\.status_code$|url\.path$)/

const randomHex = (length: number) => {
  let out = ""
  for (let i = 0; i < length; i++) out += Math.floor(Math.random() * 16).toString(16)
  return out
}

class ConsoleSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = randomHex(16)
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    private readonly print: (line: string) => void
  ) {
    this.traceId = Option.isSome(parent) ? parent.value.traceId : randomHex(32)
    this.links = [...links]
    this.status = { _tag: "Started", startTime }
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    const startTime = this.status.startTime
    this.status = { _tag: "Ended", startTime, endTime, exit }
    const millis = Number(endTime - startTime) / 1e6
    const outcome = Exit.isSuccess(exit) ? "ok" : Exit.isInterrupted(exit) ? "interrupted" : "error"
    const attributes = [...this.attributes]
      .filter(([key]) => shown.test(key))
      .map(([key, value]) => `${key}=${String(value)}`)
    this.print(
      `[span] ${this.traceId.slice(0, 8)} ${this.name} ${millis.toFixed(1)}ms ${outcome}` +
        (attributes.length > 0 ? ` ${attributes.join(" ")}` : "")
    )
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(): void {}

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** The tracer; `print` receives one line per ended span (default: stdout). */
export const make = (print: (line: string) => void = (line) => console.log(line)): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) =>
      new ConsoleSpan(name, parent, context, links, startTime, kind, print),
    context: (f) => f()
  })

/** Installs the console tracer for everything built on this layer. */
export const layer = (print?: (line: string) => void): Layer.Layer<never> => Layer.setTracer(make(print))
