// The verifier's tests run real ONNX models: a busy 2-core machine needs more than vitest's 5 s default per test.
import { defineConfig } from "vitest/config";

export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
