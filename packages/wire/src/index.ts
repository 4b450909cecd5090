/**
 * The Lyzr Agent Sessions protocol, with no runtime and no Effect: both Effect lines build on it.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Decode from "./Decode.ts"

/**
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.ts"

/**
 * @since 0.1.0
 */
export * as ErrorRecord from "./ErrorRecord.ts"

/**
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.ts"

/**
 * @since 0.1.0
 */
export * as Redirect from "./Redirect.ts"

/**
 * @since 0.1.0
 */
export * as Retry from "./Retry.ts"

/**
 * @since 0.1.0
 */
export * as Settings from "./Settings.ts"

/**
 * @since 0.1.0
 */
export * as Transport from "./Transport.ts"
