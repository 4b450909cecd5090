/**
 * The benchmark's fixed-body server (`fixedServer.mjs`) in a child process. Plain TypeScript with no Effect,
 * so both the Effect 3 suite and the Effect 4 script (`effect4.ts`, run by Node 24 without a loader) use it.
 */
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"

/** Starts the fixed-body server in a child process; resolves to its origin and a stop function. */
export const startServer = (bodies: Record<string, string>): Promise<{ origin: string; stop: () => void }> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL("./fixedServer.mjs", import.meta.url)), [], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
    child.once("message", (message) => {
      const { port } = message as { port: number }
      resolve({
        origin: `http://127.0.0.1:${port}`,
        stop: () => {
          child.removeAllListeners("exit")
          child.disconnect()
        }
      })
    })
    child.send({ bodies })
  })
