// Vitest for the edge: real databases only (PGlite in memory, local Postgres, workerd + Neon driver), generous timeouts.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    globalSetup: [fileURLToPath(import.meta.resolve("@thinktime/db/testing-setup"))],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
