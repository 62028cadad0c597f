// Vitest for @thinktime/db: real databases only (PGlite, local Postgres, Neon via websockify), so generous timeouts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["./src/testing-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
