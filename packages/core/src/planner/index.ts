// The compute-optimal planner: policy table, difficulty bins, planning at submit and after the probe, fitting.
export * from "./config.js";
export * from "./policy.js";
export * from "./difficulty.js";
export * from "./plan.js";
export * from "./fit.js";
