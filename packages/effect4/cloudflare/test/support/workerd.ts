/**
 * Running Workers in real workerd from a vitest test: bundle with esbuild the way wrangler does (ESM,
 * platform neutral, the workerd/worker/browser conditions), then serve the bundle with Miniflare. The
 * Effect 4 line runs on Node 24, so it uses a current Miniflare (the Effect 3 line keeps its Node 20 pin).
 */
import * as esbuild from "esbuild"
import { Miniflare, type WorkerOptions } from "miniflare"
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"

/** A recent compatibility date (FinalizationRegistry needs ≥ 2025-05-05), with the request signal on. */
export const compatibilityDate = "2026-07-01"

export const bundle = async (entry: string): Promise<string> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
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
  /** Opens workerd's inspector on a free port (see `inspector.ts`). */
  readonly inspector?: boolean
}

/** Starts the Workers; each line workerd prints (stdout and stderr) goes to `output`. */
export const start = async (
  workers: ReadonlyArray<WorkerSpec>,
  output: (line: string) => void,
  options: StartOptions = {}
): Promise<Miniflare> => {
  const mf = new Miniflare({
    ...(options.inspector === true ? { inspectorPort: 0 } : {}),
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      createInterface(stdout).on("line", output)
      createInterface(stderr).on("line", output)
    },
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
