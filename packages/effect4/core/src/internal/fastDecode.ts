/**
 * The wire's fast decoders, producing what the schemas produce (used by the service and tested against
 * the schemas in test/fastDecode.test.ts).
 */
import { Decode } from "@lyzr-effect/wire"
import * as DateTime from "effect/DateTime"
import { AgentSession } from "../AgentSession.ts"

const proto = AgentSession.prototype

/**
 * Effect 4 gives every `DateTime.Utc` an own, non-enumerable `partsUtc` cache slot with
 * `Object.defineProperty`, which costs 2-3 µs a session in a loopback `get()` (bench/src/effect4.ts;
 * everything else about the value is cheap). A `Utc` here inherits from a prototype that sits on Effect's
 * own (`_tag`, `Equal`, `Hash`, `toJSON`, inspection) and holds that slot as an accessor: it reads empty,
 * and the first write, when Effect first takes the value apart, defines the own non-enumerable property
 * Effect's constructor would have. Built on first use, from a value Effect made; when that value is not
 * the shape this knows, every `Utc` comes from `DateTime.makeUnsafe`. test/schema.test.ts holds the two
 * alike: equal, same hash, same own enumerable keys before and after, same parts, same encoding.
 */
let utcProto: object | null | undefined

const makeUtcProto = (): object | null => {
  const sample = DateTime.makeUnsafe(0)
  const slot = Object.getOwnPropertyDescriptor(sample, "partsUtc")
  if (slot === undefined || slot.enumerable || !slot.writable || slot.value !== undefined) return null
  if (Object.keys(sample).join() !== "epochMilliseconds") return null
  return Object.create(Object.getPrototypeOf(sample), {
    partsUtc: {
      get: () => undefined,
      set(this: object, value: unknown) {
        Object.defineProperty(this, "partsUtc", { value, enumerable: false, writable: true })
      }
    }
  })
}

/** A `DateTime.Utc` at `epochMillis`, a finite number the wire has just computed. */
export const utc = (epochMillis: number): DateTime.Utc => {
  const base = utcProto === undefined ? (utcProto = makeUtcProto()) : utcProto
  if (base === null) return DateTime.makeUnsafe(epochMillis)
  const out = Object.create(base) as { epochMilliseconds: number }
  out.epochMilliseconds = epochMillis
  return out as unknown as DateTime.Utc
}

/**
 * The decoded `AgentSession`, or `undefined` to let the schema decide.
 *
 * The wire has just checked every field, so the instance is built as the class's own trusted path builds
 * it (Effect 4's `Schema.Class` constructor re-parses its input, `disableChecks` included: ~4 µs a session
 * with metadata, a tenth of a loopback call). `Data.Class`, under `Schema.Class`, only assigns the fields;
 * test/fastDecode.test.ts holds the result equal to the schema's, by `Equal`, `instanceof` and encoding.
 */
export const session = (json: unknown): AgentSession | undefined => {
  const fields = Decode.session(json)
  if (fields === undefined) return undefined
  const out = Object.create(proto) as { -readonly [K in keyof AgentSession]: AgentSession[K] }
  out.id = fields.id
  out.agent_id = fields.agent_id
  if (fields.description !== undefined) out.description = fields.description
  out.metadata = fields.metadata as AgentSession["metadata"]
  out.enabled = fields.enabled
  out.created_at = utc(fields.createdAtMillis)
  return out
}

/** The IDs of either list shape, or `undefined` to let the schema decide. */
export const sessionIds = Decode.sessionIds
