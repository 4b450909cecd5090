/**
 * Running Workers in real workerd from a vitest test: bundle with esbuild the way wrangler does
 * (ESM, workerd/worker/browser conditions), then serve the bundle with Miniflare.
 */
import * as esbuild from "esbuild"
import { Miniflare, type WorkerOptions } from "miniflare"
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"
import { workerBuildOptions } from "../../scripts/workerBuild.ts"

/** The compatibility date of the tests and the example (FinalizationRegistry needs ≥ 2025-05-05). */
export const compatibilityDate = "2025-09-01"

export const bundle = async (entry: string, options: { readonly minify?: boolean } = {}): Promise<string> => {
  const result = await esbuild.build({
    ...workerBuildOptions,
    entryPoints: [entry],
    minify: options.minify ?? false,
    logLevel: "silent"
  })
  return result.outputFiles[0]!.text
}

export interface WorkerSpec {
  readonly name: string
  readonly script: string
  readonly bindings?: Record<string, string>
  readonly compatibilityFlags?: ReadonlyArray<string>
}

export interface StartOptions {
  /**
   * Receives each line workerd prints (stdout and stderr), instead of the console: for tests that
   * expect a Worker to log and assert what it logged. Without it, Miniflare prints the lines.
   */
  readonly output?: (line: string) => void
  /** Opens workerd's inspector on a free port (see `inspector.ts`). */
  readonly inspector?: boolean
}

export const start = async (workers: ReadonlyArray<WorkerSpec>, options: StartOptions = {}): Promise<Miniflare> => {
  const { output } = options
  const mf = new Miniflare({
    ...(options.inspector === true ? { inspectorPort: 0 } : {}),
    ...(output === undefined ? {} : {
      handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
        createInterface(stdout).on("line", output)
        createInterface(stderr).on("line", output)
      }
    }),
    workers: workers.map((worker): WorkerOptions => ({
      name: worker.name,
      modules: true,
      script: worker.script,
      compatibilityDate,
      compatibilityFlags: [...(worker.compatibilityFlags ?? [])],
      bindings: worker.bindings ?? {}
    }))
  })
  await mf.ready
  return mf
}

/** A fetch into one named Worker of `mf`, timed; the body is read as JSON when it is JSON. */
export const fetchWorker = async (
  mf: Miniflare,
  name: string,
  path: string,
  init: RequestInit = {}
): Promise<{ status: number; headers: Headers; body: any; elapsedMs: number }> => {
  const worker = await mf.getWorker(name)
  const started = performance.now()
  const response = await worker.fetch(`http://worker.test${path}`, init as any)
  const text = await response.text()
  const elapsedMs = performance.now() - started
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers as unknown as Headers, body, elapsedMs }
}
