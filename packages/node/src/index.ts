/**
 * @since 0.1.0
 */
export * as NodeLyzr from "./NodeLyzr.ts"
