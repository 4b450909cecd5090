/**
 * @since 0.1.0
 */

/**
 * The Agent Sessions API served from memory, with fault injection: `make`,
 * `defaultFixture`, `parseFixture`, `keys`, `fingerprint` and the models.
 * The Effect-free module of `@lyzr-effect/emulator`, re-exported so that an
 * Effect 4 test imports `Emulator` and `EmulatorHttpClient` from one place,
 * as an Effect 3 test does from `@lyzr-effect/emulator`.
 *
 * @since 0.1.0
 */
export * as Emulator from "@lyzr-effect/emulator/Emulator"

/**
 * An in-process Effect 4 `HttpClient` layer backed by an emulator: no sockets.
 *
 * @since 0.1.0
 */
export * as EmulatorHttpClient from "./EmulatorHttpClient.ts"
