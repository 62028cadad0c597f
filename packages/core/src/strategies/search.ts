// The search strategies the planner chooses among, each under a hard budget: names map to the functions that run them.
import type { StrategyName } from "../api/jobs.js";
import { anchoredMajority } from "./anchored-majority.js";
import { auto } from "./auto.js";
import { beamSearch } from "./beam-search.js";
import { bestOfN } from "./best-of-n.js";
import { capped } from "./capped.js";
import { dvts } from "./dvts.js";
import { earlyStop } from "./early-stop.js";
import { greedy } from "./greedy.js";
import { lookaheadSearch } from "./lookahead.js";
import { majority } from "./majority.js";
import { revisions } from "./revisions.js";
import type { SearchContext, SearchParams, SearchResult } from "./types.js";
import { weightedBestOfN } from "./weighted-best-of-n.js";

export type SearchStrategy = (question: string, params: SearchParams, ctx: SearchContext) => Promise<SearchResult>;

/** Every name a job may take (api/jobs.ts STRATEGIES), and the function that runs it. */
export const searchStrategies: Record<StrategyName, SearchStrategy> = {
  greedy: capped(greedy, "never", { single: true }),
  best_of_n: capped(bestOfN, "always"),
  majority: capped(majority, "optional"),
  weighted_best_of_n: weightedBestOfN,
  beam_search: beamSearch,
  lookahead: lookaheadSearch,
  dvts,
  early_stop: earlyStop,
  revisions,
  anchored_majority: anchoredMajority,
  auto,
};

/** Which verifiers each search strategy reads (the worker gives it a Scorer and/or a StepScorer). */
export const SEARCH_VERIFIERS: Record<StrategyName, { scorer: boolean; stepScorer: boolean }> = {
  greedy: { scorer: false, stepScorer: false },
  best_of_n: { scorer: true, stepScorer: false },
  majority: { scorer: false, stepScorer: false },
  weighted_best_of_n: { scorer: false, stepScorer: true },
  beam_search: { scorer: false, stepScorer: true },
  lookahead: { scorer: false, stepScorer: true },
  dvts: { scorer: false, stepScorer: true },
  early_stop: { scorer: true, stepScorer: false },
  // The outcome verifier picks within and across chains (revision_select "verifier"); majority reads none.
  revisions: { scorer: true, stepScorer: false },
  // Weighted, the votes are worth the PRM's last-step scores.
  anchored_majority: { scorer: false, stepScorer: true },
  // The probe reads the outcome verifier; the planned strategy may read either.
  auto: { scorer: true, stepScorer: true },
};

export function runSearch(
  name: StrategyName,
  question: string,
  params: SearchParams,
  ctx: SearchContext,
): Promise<SearchResult> {
  return searchStrategies[name](question, params, ctx);
}
