/**
 * The wire's fast decoders, producing what the schemas produce (used by the service and tested against
 * the schemas in test/fastDecode.test.ts).
 */
import { Decode } from "@lyzr-effect/wire"
import * as DateTime from "effect/DateTime"
import { AgentSession } from "../AgentSession.ts"

const proto = AgentSession.prototype

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
  out.created_at = DateTime.makeUnsafe(fields.createdAtMillis)
  return out
}

/** The IDs of either list shape, or `undefined` to let the schema decide. */
export const sessionIds = Decode.sessionIds
