// lookahead: beam search whose steps are scored after a k-step greedy rollout (Snell et al. 2024 §5); k = 0 is beam search.
import { searchBeams } from "./beam-search.js";
import type { SearchContext, SearchParams, SearchResult } from "./types.js";

/** Snell et al. compare k = 1 and k = 3. */
export const DEFAULT_LOOKAHEAD = 1;

/**
 * Beam search, except that each new step is first continued by up to k more steps at temperature 0 (stopping where
 * the solution ends) and the PRM's score at the end of that rollout becomes the step's score. The rollout steps are
 * only for scoring: the kept path continues from the step itself. Their tokens and FLOPs are in the cost, and each
 * round's worst case includes them.
 */
export function lookaheadSearch(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  return searchBeams(question, params, ctx, params.lookahead ?? DEFAULT_LOOKAHEAD);
}
