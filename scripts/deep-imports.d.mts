/** Types of `deep-imports.mjs`, for the TypeScript bundle-size scripts that import it. */
export declare const byPath: (entry: string) => {
  readonly contents: string
  readonly resolveDir: string
  readonly sourcefile: string
  readonly loader: "ts"
}
