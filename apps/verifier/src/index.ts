// Public surface of @thinktime/verifier: the app factory, the in-process starter, the models and the wire contract.
export { newApp, type NewAppOptions } from "./app.js";
export { startVerifier, type RunningVerifier, type StartVerifierOptions } from "./server.js";
export { OrmScorer, type OrmScorerOptions } from "./orm-scorer.js";
export { PrmScorer, type PrmScorerOptions, type RowScores, type StepRow } from "./prm-scorer.js";
export { DynamicBatcher, type BatcherOptions } from "./batcher.js";
export { PrefixKvCache, prefixKeys, type KvEntry } from "./kv-cache.js";
export { Metrics } from "./metrics.js";
export { AGGREGATIONS, aggregate, type Aggregation } from "./aggregate.js";
export { DEFAULT_STEP_DELIMITER, encodeSteps, splitSteps, type EncodedSteps } from "./steps.js";
export { loadVerifiers, type LoadVerifiersOptions } from "./verifiers/load.js";
export { VerifierRegistry, type ModelStatus } from "./verifiers/registry.js";
export type { ModelShape } from "./verifiers/types.js";
export type { OutcomeVerifier, ProcessVerifier, Usage, Verifier, VerifyItem } from "./verifiers/types.js";
export { ormInput, ormTokens } from "./orm-input.js";
export { ERROR_STATUS, ApiError, type ErrorCode, type Problem } from "./errors.js";
export { LIMITS, ScoreItem, ScoreRequest, ScoreStepsRequest, type ExactCheck, type ScoreResponse, type ScoreStepsResponse } from "./schema.js";
export { tokenMatches } from "./auth.js";
