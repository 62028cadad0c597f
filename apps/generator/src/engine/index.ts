// The engine's public surface.
export { Engine, usageOf, type EngineOptions, type ForwardArgs } from "./engine.js";
export { ModelConfig, readModelDir, modelNameFromDir, flopsModel, type ModelFiles } from "./config.js";
export { FairQueue } from "./fair-queue.js";
export {
  HARP_DEFAULTS, dropoutEmbeddings, entropyBits, harpRand, mixLogits, resolveHarp, type HarpSettings,
} from "./harp.js";
export { assembleRows, copyRow, emptyKv, moveRow, type KvCache, type KvDims, type RowRef } from "./kv-cache.js";
export { argmax, deriveSeed, descendingOrder, logProbAt, sampleToken, type TokenSampling } from "./sampling.js";
export type { SchedulerLimits } from "./scheduler.js";
export type { ForwardOutput, SessionSettings, StepGraph } from "./session.js";
export * from "./types.js";
