// The strategy registry: job.strategy names map to the functions that run them.
import type { StrategyName } from "../api/jobs.js";
import { bestOfN } from "./best-of-n.js";
import { greedy } from "./greedy.js";
import { majority } from "./majority.js";
import type { StrategyContext, StrategyParams, StrategyResult } from "./types.js";

export type Strategy = (question: string, params: StrategyParams, ctx: StrategyContext) => Promise<StrategyResult>;

export const strategies: Record<StrategyName, Strategy> = {
  greedy,
  best_of_n: bestOfN,
  majority,
};

/** Which strategies read verifier scores (the worker gives them a Scorer). */
export const USES_SCORER: Record<StrategyName, boolean> = { greedy: false, best_of_n: true, majority: false };

export function runStrategy(
  name: StrategyName,
  question: string,
  params: StrategyParams,
  ctx: StrategyContext,
): Promise<StrategyResult> {
  return strategies[name](question, params, ctx);
}

export * from "./types.js";
export { answerOf, costOf, sampleCandidates, scoreCandidates } from "./candidates.js";
export { greedy } from "./greedy.js";
export { bestOfN, pickBest } from "./best-of-n.js";
export { majority, pickMajority, type MajorityPick } from "./majority.js";
export * from "./search.js";
export { BudgetTooSmallError, BudgetExceededError, Ledger, amountOf, fitsBudget, remainingBudget, type Amount } from "./budget.js";
export { pickWeighted, type WeightedPick } from "./selection.js";
export { weightedBestOfN } from "./weighted-best-of-n.js";
export { beamSearch, DEFAULT_BEAM_WIDTH } from "./beam-search.js";
export { lookaheadSearch, DEFAULT_LOOKAHEAD } from "./lookahead.js";
export { dvts, subtreeSeed } from "./dvts.js";
export { earlyStop, leaderSettled, betaAboveHalf, EARLY_STOP_DEFAULTS } from "./early-stop.js";
export { STEP_STOP, pathPrompt, stepLines, endsPath, deriveSeed } from "./steps.js";
export { DEFAULT_MAX_ROUNDS } from "./tree-search.js";
