/**
 * Everything a key could leak into: logs at every level, spans (attributes, events, exits), and what
 * the process prints.
 */
import { Cause, Effect, Exit, Inspectable, Logger, LogLevel, Tracer } from "effect"
import type { Context } from "effect"
import { formatWithOptions } from "node:util"

/** A logger that keeps every message with its annotations, spans and cause, at every level. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans }) => {
    const parts = [logLevel.label, ...(Array.isArray(message) ? message : [message]).map((m) => Inspectable.format(m))]
    for (const [name, value] of annotations) parts.push(`${name}=${Inspectable.format(value)}`)
    for (const span of spans) parts.push(`span=${span.label}`)
    if (!Cause.isEmpty(cause)) parts.push(Cause.pretty(cause))
    lines.push(parts.join(" "))
  })
  const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)), Logger.withMinimumLogLevel(LogLevel.All))
  return { lines, withLogs }
}

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<[string, Record<string, unknown> | undefined]>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** A tracer that records every span, its attributes, events and exit. */
export const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let next = 0
  const tracer = Tracer.make({
    span: (name, parent, context: Context.Context<never>, links, startTime, kind) => {
      const record: RecordedSpan = { name, attributes: new Map(), events: [], exit: undefined }
      spans.push(record)
      const spanId = `span${++next}`
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      return {
        _tag: "Span",
        name,
        spanId,
        traceId: parent._tag === "Some" ? parent.value.traceId : `trace${spanId}`,
        parent,
        context,
        get status() {
          return status
        },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
          record.exit = exit
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (eventName, _time, attributes) => {
          record.events.push([eventName, attributes])
        },
        addLinks: () => {}
      } satisfies Tracer.Span
    },
    context: (f) => f()
  })
  /** Every span as text: name, every attribute, every event, the exit's cause. */
  const text = () =>
    spans.map((span) =>
      [
        span.name,
        ...[...span.attributes].map(([k, v]) => `${k}=${Inspectable.format(v)}`),
        ...span.events.map(([name, attributes]) => `${name} ${Inspectable.format(attributes ?? {})}`),
        span.exit !== undefined && Exit.isFailure(span.exit) ? Cause.pretty(span.exit.cause) : ""
      ].join("\n")
    ).join("\n")
  return { spans, tracer, text }
}

/** Captures what is printed (console methods, stdout, stderr) while `f` runs; console output is kept, not shown. */
export const capturePrintouts = async <A>(f: () => Promise<A>): Promise<{ result: A; printed: string }> => {
  const chunks: Array<string> = []
  const methods = ["log", "error", "warn", "info", "debug"] as const
  const saved = methods.map((name) => console[name])
  methods.forEach((name) => {
    console[name] = (...args: Array<unknown>) => {
      chunks.push(formatWithOptions({ colors: false, depth: 10 }, ...args))
    }
  })
  const out = process.stdout.write.bind(process.stdout)
  const err = process.stderr.write.bind(process.stderr)
  const tap = (write: typeof out) =>
    ((chunk: string | Uint8Array, ...rest: Array<unknown>) => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"))
      return (write as (...args: Array<unknown>) => boolean)(chunk, ...rest)
    }) as typeof out
  process.stdout.write = tap(out)
  process.stderr.write = tap(err)
  try {
    const result = await f()
    return { result, printed: chunks.join("\n") }
  } finally {
    process.stdout.write = out
    process.stderr.write = err
    methods.forEach((name, i) => {
      console[name] = saved[i]!
    })
  }
}
