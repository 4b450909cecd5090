import { describe, expect, it } from "vitest"
import { Endpoint } from "../src/index.ts"

describe("Endpoint", () => {
  it("encodes a list path segment so that '/' cannot change the route", () => {
    expect(Endpoint.listPath("a/b")).toBe("/v1/agent/a%2Fb/sessions")
  })
})
