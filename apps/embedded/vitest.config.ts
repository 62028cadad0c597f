// End-to-end tests start real processes and load real models: long timeouts, one file at a time.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false },
});
