// Public surface of @thinktime/core: pure TypeScript, no I/O.
export * from "./answers.js";
export * from "./rng.js";
export * from "./tasks/arith.js";
export * from "./tasks/arith-check.js";
export * from "./tasks/gsm8k.js";
export * from "./tokenizer.js";
export * from "./prompt.js";
export * from "./ids.js";
export * from "./api/jobs.js";
export * from "./flops.js";
export * from "./strategies/index.js";
export * from "./planner/index.js";
export * from "./metrics/index.js";
