import { defineProject } from "vitest/config"

export default defineProject({
  test: {
    name: "behaviour-effect3",
    include: ["test/**/*.test.ts"]
  }
})
