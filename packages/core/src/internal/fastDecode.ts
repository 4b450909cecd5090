/**
 * The wire's fast decoders, producing what core's schemas produce (used by the service and tested
 * against the schemas in test/fastDecode.test.ts).
 */
import { Decode } from "@lyzr-effect/wire"
import { DateTime } from "effect"
import { AgentSession } from "../AgentSession.ts"

/** The decoded `AgentSession`, or `undefined` to let the schema decide. */
export const session = (json: unknown): AgentSession | undefined => {
  const fields = Decode.session(json)
  if (fields === undefined) return undefined
  const { createdAtMillis, ...rest } = fields
  // Validation is off as in Schema's own decode: the fields were just checked.
  return new AgentSession({
    ...rest,
    metadata: rest.metadata as AgentSession["metadata"],
    created_at: DateTime.unsafeMake(createdAtMillis)
  }, true)
}

/** The IDs of either list shape, or `undefined` to let the schema decide. */
export const sessionIds = Decode.sessionIds
