/**
 * @since 0.1.0
 */

/**
 * The Agent Sessions API served from memory, with fault injection: `make`,
 * `defaultFixture`, `parseFixture`, `keys` and the models. Plain TypeScript.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.ts"

/**
 * An in-process `HttpClient` layer backed by an emulator: no sockets.
 *
 * @since 0.1.0
 */
export * as EmulatorHttpClient from "./EmulatorHttpClient.ts"
