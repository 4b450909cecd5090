/**
 * The body cap (`maxResponseBytes`, default 8 MiB): a body declared or read past it fails with
 * `UnexpectedResponse` instead of filling memory; reading stops at the cap.
 */
import type { Scenario } from "../Scenario.ts"
import { json, listAgent } from "../steps.ts"

const area = "body cap"

const exact = JSON.stringify({ sessions: ["ase_1", "ase_2"] })

export const body: ReadonlyArray<Scenario> = [
  {
    name: "a body whose content-length is over maxResponseBytes fails before it is read",
    area,
    script: [{ status: 200, headers: { "content-type": "application/json" }, body: { repeat: "x", times: 4096 } }],
    options: { maxResponseBytes: 1024 },
    call: listAgent,
    expect: {
      error: {
        _tag: "UnexpectedResponse",
        status: 200,
        message: "the response body declares 4096 bytes, over the 1024-byte cap (maxResponseBytes)",
        body: null
      },
      requests: { count: 1 }
    }
  },
  {
    name: "a chunked body that passes maxResponseBytes fails with UnexpectedResponse and reading stops",
    area,
    script: [{
      status: 200,
      headers: { "content-type": "application/json" },
      body: { repeat: "y", times: 4096 },
      chunked: 512
    }],
    options: { maxResponseBytes: 1024 },
    call: listAgent,
    expect: {
      error: {
        _tag: "UnexpectedResponse",
        status: 200,
        message: "the response body passed the 1024-byte cap (maxResponseBytes); reading stopped"
      },
      requests: { count: 1 }
    }
  },
  {
    name: "a 16 MiB chunked body over a 64 KiB cap is abandoned, not buffered",
    area,
    script: [{
      status: 200,
      headers: { "content-type": "application/json" },
      body: { repeat: "z", times: 16 * 1024 * 1024 },
      chunked: 64 * 1024
    }],
    options: { maxResponseBytes: 64 * 1024, maxRetries: 0 },
    call: listAgent,
    expect: {
      error: { _tag: "UnexpectedResponse", status: 200, message: "passed the 65536-byte cap (maxResponseBytes)" },
      bodyAbandoned: true
    }
  },
  {
    name: "an error body over the cap fails with UnexpectedResponse keeping the status",
    area,
    script: [{ status: 500, headers: { "content-type": "text/html" }, body: { repeat: "<p>oops</p>", times: 1000 } }],
    options: { maxResponseBytes: 2048, maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "UnexpectedResponse", status: 500, message: "over the 2048-byte cap" } }
  },
  {
    name: "a body of exactly maxResponseBytes is read",
    area,
    script: [json(200, { sessions: ["ase_1", "ase_2"] })],
    options: { maxResponseBytes: exact.length },
    call: listAgent,
    expect: { value: ["ase_1", "ase_2"] }
  },
  {
    name: "a chunked body of exactly maxResponseBytes is read",
    area,
    script: [{ ...json(200, { sessions: ["ase_1", "ase_2"] }), chunked: 7 }],
    options: { maxResponseBytes: exact.length },
    call: listAgent,
    expect: { value: ["ase_1", "ase_2"] }
  },
  {
    name: "a chunked body one byte over maxResponseBytes fails",
    area,
    script: [{ ...json(200, { sessions: ["ase_1", "ase_2"] }), chunked: 7 }],
    options: { maxResponseBytes: exact.length - 1, maxRetries: 0 },
    call: listAgent,
    expect: { error: { _tag: "UnexpectedResponse", status: 200, message: "reading stopped" } }
  }
]
