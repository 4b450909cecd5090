/**
 * How sessions are printed, and the terminal facts that decide it (colour, width, progress).
 */
import { AgentSession, type AgentSessionsError } from "@lyzr-effect/core"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

// eslint-disable-next-line no-control-regex
const ansiPattern = /\x1b\[[0-?]*[ -/]*[@-~]/g

export const stripAnsi = (text: string): string => text.replace(ansiPattern, "")

/** A terminal that understands cursor movement: where a progress bar may be drawn. */
export const isTerminal = (stream: { readonly isTTY?: boolean | undefined }): boolean =>
  stream.isTTY === true && process.env["TERM"] !== "dumb"

/** Colour only on a terminal, and never when NO_COLOR is set (to anything but ""). */
export const isInteractive = (stream: { readonly isTTY?: boolean | undefined }): boolean =>
  isTerminal(stream) && (process.env["NO_COLOR"] ?? "") === ""

/**
 * The default console, with ANSI escapes removed from what goes to a stream that is not a terminal
 * (@effect/cli renders its help and errors with ANSI styles unconditionally).
 */
export const plainWhenPiped = (base: Console.Console): Console.Console => {
  const outPlain = !isInteractive(process.stdout)
  const errPlain = !isInteractive(process.stderr)
  const clean = (plain: boolean, args: ReadonlyArray<unknown>) =>
    plain ? args.map((arg) => (typeof arg === "string" ? stripAnsi(arg) : arg)) : args
  return {
    ...base,
    log: (...args) => base.log(...clean(outPlain, args)),
    info: (...args) => base.info(...clean(outPlain, args)),
    error: (...args) => base.error(...clean(errPlain, args)),
    warn: (...args) => base.warn(...clean(errPlain, args)),
    unsafe: {
      ...base.unsafe,
      log: (...args) => base.unsafe.log(...clean(outPlain, args)),
      info: (...args) => base.unsafe.info(...clean(outPlain, args)),
      error: (...args) => base.unsafe.error(...clean(errPlain, args)),
      warn: (...args) => base.unsafe.warn(...clean(errPlain, args))
    }
  }
}

const bold = (text: string, color: boolean) => (color ? `\x1b[1m${text}\x1b[22m` : text)
const dim = (text: string, color: boolean) => (color ? `\x1b[2m${text}\x1b[22m` : text)

const encodeSession = Schema.encodeSync(AgentSession)

/** A session as the API sends it (wire field names, `created_at` as ISO text). */
export const sessionJson = (session: AgentSession) => {
  const encoded = encodeSession(session)
  // DateTime encodes with milliseconds; the API sends whole seconds ("2024-01-15T10:30:00Z").
  return { ...encoded, created_at: encoded.created_at.replace(/\.000Z$/, "Z") }
}

const truncate = (text: string, width: number): string =>
  text.length <= width ? text : width <= 1 ? "…".slice(0, width) : `${text.slice(0, width - 1)}…`

const createdAt = (session: AgentSession) => DateTime.formatIso(session.created_at).replace(/\.000Z$/, "Z")

/** Sessions as an aligned table; the description column fills the terminal width (or 60 columns). */
export const sessionTable = (
  sessions: ReadonlyArray<AgentSession>,
  options: { readonly color: boolean; readonly columns: number | undefined }
): string => {
  const header = ["ID", "ENABLED", "CREATED", "DESCRIPTION"]
  const rows = sessions.map((s) => [s.id, s.enabled ? "yes" : "no", createdAt(s), s.description ?? ""])
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const used = widths.reduce((sum, w) => sum + w + 2, 0)
  const descriptionWidth = Math.max(20, (options.columns ?? used + 60) - used)
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : truncate(cell, descriptionWidth))).join("  ").trimEnd()
  return [
    bold(line(header), options.color),
    ...rows.map((row) => (row[1] === "no" ? dim(line(row), options.color) : line(row)))
  ].join("\n")
}

/** One session as `field  value` rows; metadata one key per row. */
export const sessionDetails = (session: AgentSession, options: { readonly color: boolean }): string => {
  const rows: Array<[string, string]> = [
    ["id", session.id],
    ["agent_id", session.agent_id],
    ["enabled", String(session.enabled)],
    ["created_at", createdAt(session)],
    ["description", session.description ?? ""],
    ...Object.entries(session.metadata).map(([key, value]): [string, string] => [
      `metadata.${key}`,
      typeof value === "string" ? value : JSON.stringify(value)
    ])
  ]
  const width = Math.max(...rows.map(([key]) => key.length))
  return rows.map(([key, value]) => `${bold(key.padEnd(width), options.color)}  ${value}`).join("\n")
}

/** An API error in one line, with what support needs (status, code, request id); never the key. */
export const describeError = (error: AgentSessionsError): string => {
  const facts = [
    error.status === undefined ? undefined : `HTTP ${error.status}`,
    error.code === undefined ? undefined : `code ${error.code}`,
    error._tag === "RateLimitExceeded" && error.retryAfter !== undefined
      ? `retry after ${Duration.format(error.retryAfter)}`
      : undefined,
    error.requestId === undefined ? undefined : `request id ${error.requestId}`
  ].filter((fact) => fact !== undefined)
  return `${error._tag}: ${error.message}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}`
}

export const printError = (text: string) => Console.error(`lyzr-sessions: ${text}`)

export const writeLine = (text: string) => Console.log(text)

export const printJson = (value: unknown) => Effect.suspend(() => Console.log(JSON.stringify(value, null, 2)))
