// ESLint 9 flat config: typescript-eslint for the rules, @effect/eslint-plugin's `dprint` rule for
// formatting (the rule and dprint settings the Effect repository itself uses: 2 spaces, 120 columns,
// no semicolons, double quotes, no trailing commas, `function*()` and parenthesised arrow params).
// `pnpm lint` checks, `pnpm lint:fix` rewrites.
import * as effectEslint from "@effect/eslint-plugin"
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/build/**",
      "**/.wrangler/**",
      "**/coverage/**",
      // scratch files that .gitignore keeps out of the repository (bench experiments)
      "**/*.tmp.ts",
      "**/*.tmp/**",
      "**/*.d.ts"
    ]
  },
  {
    files: ["**/*.{ts,mts,mjs,js}"],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, ...effectEslint.configs.dprint],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        // Node, Deno, workerd and the browser share these; runtime-specific code is type-checked by tsc.
        console: "readonly",
        process: "readonly",
        URL: "readonly",
        Request: "readonly",
        Response: "readonly",
        Headers: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        ReadableStream: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        queueMicrotask: "readonly",
        structuredClone: "readonly",
        fetch: "readonly",
        crypto: "readonly",
        performance: "readonly",
        Buffer: "readonly",
        Deno: "readonly",
        globalThis: "readonly"
      }
    },
    rules: {
      // tsc (strict, noUnusedLocals) already covers these for TypeScript, and knows the types.
      "no-undef": "off",
      "no-redeclare": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Effect idioms: namespaces beside values, `{}` in type-level code, non-null after a checked index.
      "@typescript-eslint/no-namespace": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      "object-shorthand": "error",
      "no-fallthrough": "off",
      "prefer-spread": "off",
      "prefer-rest-params": "off",
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }]
    }
  },
  {
    // The packages' own code imports each Effect module by its path (`import * as Effect from
    // "effect/Effect"`), as @effect/platform does. esbuild (wrangler's bundler) keeps every export of a
    // namespace reached through a barrel (`import { Schedule } from "effect"`), so one barrel import in
    // the SDK put all of Schedule, Cron, Config, Layer, ... into every user's Worker (measured with
    // packages/*/scripts/bundle-size.ts: 1.24× → 1.09× on Effect 3, 1.24× → 1.03× on Effect 4).
    // Tests, examples and docs keep the barrel: that is how users write.
    files: ["packages/**/src/**/*.ts", "packages/effect4/**/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: ["effect", "effect/http", "@effect/platform"].map((name) => ({
          name,
          message: `import the module by its path (import * as Effect from "effect/Effect"), not from the "${name}" ` +
            "barrel: bundlers such as esbuild keep a whole namespace reached through a barrel"
        }))
      }]
    }
  },
  {
    // Tests assert on terminal output, where ANSI escapes are exactly what a regex should match.
    files: ["**/test/**", "**/test-deno/**"],
    rules: { "no-control-regex": "off" }
  }
)
