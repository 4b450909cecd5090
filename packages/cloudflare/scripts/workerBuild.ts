/**
 * How a Worker is bundled here, the way wrangler does it: esbuild, ESM, platform neutral, the
 * workerd/worker/browser export conditions. One definition for the tests (which run the bundle in
 * workerd) and the bundle-size script (which measures it), so what is measured is what is tested.
 */
import type { BuildOptions } from "esbuild"

export const workerBuildOptions = {
  bundle: true,
  write: false,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["browser", "module", "main"]
} as const satisfies BuildOptions
