/**
 * The wire's fast decoders, producing what core's schemas produce (used by the service and tested
 * against the schemas in test/fastDecode.test.ts).
 */
import { Decode } from "@lyzr-effect/wire"
import * as DateTime from "effect/DateTime"
import { AgentSession } from "../AgentSession.ts"

const prototype: AgentSession = AgentSession.prototype

/**
 * The decoded `AgentSession`, or `undefined` to let the schema decide. The instance is what the class's
 * constructor makes with validation off (the fields, just checked, as own properties in the same order,
 * on the class's prototype), built directly: the constructor's copies of its argument and its walk for
 * defaults cost several microseconds a call on Node 20.
 */
export const session = (json: unknown): AgentSession | undefined => {
  const fields = Decode.session(json)
  if (fields === undefined) return undefined
  const instance = Object.create(prototype) as { -readonly [K in keyof AgentSession]: AgentSession[K] }
  instance.id = fields.id
  instance.agent_id = fields.agent_id
  if (fields.description !== undefined) instance.description = fields.description
  instance.metadata = fields.metadata as AgentSession["metadata"]
  instance.enabled = fields.enabled
  instance.created_at = DateTime.unsafeMake(fields.createdAtMillis)
  return instance as AgentSession
}

/** The IDs of either list shape, or `undefined` to let the schema decide. */
export const sessionIds = Decode.sessionIds
