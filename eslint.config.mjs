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
    // Tests assert on terminal output, where ANSI escapes are exactly what a regex should match.
    files: ["**/test/**", "**/test-deno/**"],
    rules: { "no-control-regex": "off" }
  }
)
