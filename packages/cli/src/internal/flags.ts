/**
 * Options whose validation errors name the flag. @effect/cli's own primitives say "'abc' is not a
 * integer" or "Expected one of the following cases: text, json" without saying which flag was wrong;
 * these read the value as text and check it with `Options.mapEffect`, failing with a
 * `ValidationError` such as `--max-retries: must be a whole number of at least 0, got "abc"` (the
 * wording of @lyzr-effect/wire's setting checks, which the settings among them use).
 */
import { HelpDoc, Options, ValidationError } from "@effect/cli"
import { Settings } from "@lyzr-effect/wire"
import * as Effect from "effect/Effect"

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

const fromChecked = <A>(checked: Settings.Checked<A>) =>
  checked._tag === "Valid" ? Effect.succeed(checked.value) : invalid(checked.message)

/** A whole number as a number; anything else stays text, for the message. */
export const wholeNumber = (text: string): number | string => (/^[+-]?\d+$/.test(text.trim()) ? Number(text) : text)

/** One of `choices`; the usage line shows them (`--format text | json`). */
export const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>): Options.Options<A> =>
  Options.text(name).pipe(
    Options.withPseudoName(choices.join(" | ")),
    Options.mapEffect((value) =>
      (choices as ReadonlyArray<string>).includes(value)
        ? Effect.succeed(value as A)
        : invalid(`--${name}: must be ${oneOf(choices)}, got ${JSON.stringify(value)}`)
    )
  )

/** `a`, `a or b`, `a, b or c`. */
export const oneOf = (choices: ReadonlyArray<string>): string =>
  choices.length <= 1 ? choices.join("") : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`

/** A whole number of at least `min`. */
export const count = (name: string, min: number): Options.Options<number> =>
  Options.text(name).pipe(
    Options.withPseudoName("N"),
    Options.mapEffect((text) => {
      const value = wholeNumber(text)
      return typeof value === "number" && value >= min
        ? Effect.succeed(value)
        : invalid(
          `--${name}: must be a whole number of at least ${min}, got ${
            typeof value === "number" ? value : JSON.stringify(text)
          }`
        )
    })
  )

/** `--max-retries N`, checked as core checks `maxRetries`. */
export const maxRetries: Options.Options<number> = Options.text("max-retries").pipe(
  Options.withPseudoName("N"),
  Options.mapEffect((text) => fromChecked(Settings.checkCount("maxRetries", wholeNumber(text), 0, "flag")))
)

/** `--timeout DURATION`: milliseconds or a duration such as "10 seconds", as milliseconds. */
export const timeout: Options.Options<number> = Options.text("timeout").pipe(
  Options.withPseudoName("DURATION"),
  Options.mapEffect((text) => fromChecked(Settings.parseTimeout(text, "flag")))
)
