// The strategy registry: job.strategy names map to the functions that run them (the search registry, unbudgeted here).
import type { StrategyName } from "../api/jobs.js";
import { SEARCH_VERIFIERS, searchStrategies } from "./search.js";
import type { StrategyContext, StrategyParams, StrategyResult } from "./types.js";

export type Strategy = (question: string, params: StrategyParams, ctx: StrategyContext) => Promise<StrategyResult>;

/** Every job strategy; the tree searches also need ctx.stepScorer (a SearchContext), see SEARCH_VERIFIERS. */
export const strategies: Record<StrategyName, Strategy> = searchStrategies;

/** Which strategies read outcome-verifier scores (the worker gives them a Scorer). */
export const USES_SCORER = Object.fromEntries(
  Object.entries(SEARCH_VERIFIERS).map(([name, v]) => [name, v.scorer]),
) as Record<StrategyName, boolean>;

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
export { budgetTooSmall } from "./budget-check.js";
export { BudgetTooSmallError, BudgetExceededError, Ledger, amountOf, fitsBudget, remainingBudget, type Amount } from "./budget.js";
export { pickWeighted, type WeightedPick } from "./selection.js";
export { weightedBestOfN } from "./weighted-best-of-n.js";
export { beamSearch, DEFAULT_BEAM_WIDTH } from "./beam-search.js";
export { lookaheadSearch, DEFAULT_LOOKAHEAD } from "./lookahead.js";
export { dvts, subtreeSeed } from "./dvts.js";
export { earlyStop, leaderSettled, betaAboveHalf, EARLY_STOP_DEFAULTS } from "./early-stop.js";
export { STEP_STOP, pathPrompt, stepLines, endsPath, deriveSeed } from "./steps.js";
export { DEFAULT_MAX_ROUNDS } from "./tree-search.js";
