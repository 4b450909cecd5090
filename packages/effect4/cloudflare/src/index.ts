/**
 * @since 0.1.0
 */

/**
 * The Cloudflare Workers adapter for Effect 4: `layer`, `layerEnv`, the `handler` helper and `waitUntil`.
 *
 * @since 0.1.0
 */
export * as CloudflareLyzr from "./CloudflareLyzr.ts"
