// The strategies' public surface: job.strategy names run through runSearch (search.ts), each under a hard budget.
import type { StrategyContext, StrategyParams, StrategyResult } from "./types.js";

/** An unbudgeted strategy function; search.ts wraps the first three (capped.ts) and registers every one. */
export type Strategy = (question: string, params: StrategyParams, ctx: StrategyContext) => Promise<StrategyResult>;

export * from "./types.js";
export { answerOf, costOf, sampleCandidates, scoreCandidates } from "./candidates.js";
export { greedy } from "./greedy.js";
export { bestOfN, pickBest } from "./best-of-n.js";
export { majority, pickMajority, type MajorityPick } from "./majority.js";
export * from "./search.js";
export { auto, planSeed, type AutoReport, type AutoResult } from "./auto.js";
export { budgetTooSmall } from "./budget-check.js";
export { BudgetTooSmallError, BudgetExceededError, Ledger, amountOf, fitsBudget, remainingBudget, type Amount } from "./budget.js";
export { pickWeighted, type WeightedPick } from "./selection.js";
export { weightedBestOfN } from "./weighted-best-of-n.js";
export { beamSearch, DEFAULT_BEAM_WIDTH } from "./beam-search.js";
export { lookaheadSearch, DEFAULT_LOOKAHEAD } from "./lookahead.js";
export { dvts, subtreeSeed } from "./dvts.js";
export { anchoredMajority, pickAnchored, defaultAnchor } from "./anchored-majority.js";
export { revisions, chainLengths, DEFAULT_CHAIN_LENGTH } from "./revisions.js";
export { earlyStop, leaderSettled, betaAboveHalf, EARLY_STOP_DEFAULTS } from "./early-stop.js";
export { STEP_STOP, pathPrompt, stepLines, endsPath, deriveSeed } from "./steps.js";
export { DEFAULT_MAX_ROUNDS } from "./tree-search.js";
