import type { Fault, FaultRule, Route } from "../Emulator.ts"

/**
 * mulberry32: a tiny seeded PRNG. Created per emulator, so draws are
 * deterministic for a given seed and request sequence.
 * @internal
 */
export const mulberry32 = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const bad = (rule: FaultRule, why: string): never => {
  throw new RangeError(`Invalid emulator fault rule ${JSON.stringify(rule)}: ${why}`)
}

const isNonNegativeInteger = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0

/**
 * Rejects rules a host could not carry out, at `inject` time rather than
 * mid-request.
 * @internal
 */
export const validateRule = (rule: FaultRule): FaultRule => {
  if (rule === null || typeof rule !== "object" || rule.fault === null || typeof rule.fault !== "object") {
    return bad(rule, "expected { fault: { type, ... } }")
  }
  if (rule.route !== undefined && !["list", "get", "*"].includes(rule.route)) bad(rule, "route must be list, get or *")
  if (rule.times !== undefined && !isNonNegativeInteger(rule.times)) bad(rule, "times must be an integer >= 0")
  if (
    rule.probability !== undefined &&
    !(typeof rule.probability === "number" && rule.probability >= 0 && rule.probability <= 1)
  ) bad(rule, "probability must be within 0..1")
  const fault: Fault = rule.fault
  switch (fault.type) {
    case "latency":
      if (!(typeof fault.ms === "number" && Number.isFinite(fault.ms) && fault.ms >= 0)) bad(rule, "ms must be >= 0")
      break
    case "status":
      if (!(Number.isInteger(fault.status) && fault.status >= 200 && fault.status <= 599)) {
        bad(rule, "status must be an integer within 200..599 (what a web Response can carry)")
      }
      break
    case "serverError":
      if (fault.status !== undefined && ![500, 502, 503, 504].includes(fault.status)) {
        bad(rule, "status must be 500, 502, 503 or 504")
      }
      break
    case "redirect":
      if (fault.status !== undefined && ![301, 302, 307, 308].includes(fault.status)) {
        bad(rule, "status must be 301, 302, 307 or 308")
      }
      if (typeof fault.location !== "string") bad(rule, "location must be a string")
      break
    case "hugeBody":
      if (!isNonNegativeInteger(fault.bytes)) bad(rule, "bytes must be an integer >= 0")
      break
    case "reset":
      if (fault.when !== undefined && fault.when !== "beforeHeaders" && fault.when !== "midBody") {
        bad(rule, "when must be beforeHeaders or midBody")
      }
      break
    case "rateLimit":
    case "malformed":
    case "truncated":
    case "wrongShape":
    case "hang":
      break
    default:
      bad(rule, `unknown fault type ${JSON.stringify((fault as { type: unknown }).type)}`)
  }
  return structuredCloneRule(rule)
}

// A copy, so a caller mutating its rule object later changes nothing here.
const structuredCloneRule = (rule: FaultRule): FaultRule => JSON.parse(JSON.stringify(rule))

/** @internal */
export interface ArmedRule {
  readonly rule: FaultRule
  remaining: number
}

/** @internal */
export const matches = (
  rule: FaultRule,
  target: { readonly route: Route; readonly agentId?: string | undefined; readonly sessionId?: string | undefined }
): boolean =>
  (rule.route === undefined || rule.route === "*" || rule.route === target.route) &&
  (rule.agentId === undefined || rule.agentId === target.agentId) &&
  (rule.sessionId === undefined || rule.sessionId === target.sessionId)

/**
 * The first matching rule with budget left whose probability draw (if any)
 * succeeds; spends one unit of its budget.
 * @internal
 */
export const pick = (
  rules: ReadonlyArray<ArmedRule>,
  target: Parameters<typeof matches>[1],
  random: () => number
): Fault | undefined => {
  for (const armed of rules) {
    if (armed.remaining <= 0 || !matches(armed.rule, target)) continue
    if (armed.rule.probability !== undefined && !(random() < armed.rule.probability)) continue
    armed.remaining -= 1
    return armed.rule.fault
  }
  return undefined
}
