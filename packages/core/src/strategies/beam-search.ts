// beam_search: PRM beam search (Snell et al. 2024 §5): N first steps, then M children per kept path, keeping N/M.
import { Ledger, positiveInt } from "./budget.js";
import { treeResult, treeSearch } from "./tree-search.js";
import type { SearchContext, SearchParams, SearchResult } from "./types.js";

/** Snell et al.'s beam width. */
export const DEFAULT_BEAM_WIDTH = 4;

/**
 * Sample N first steps and score each with the PRM; keep the N/M best unfinished paths and sample M next steps
 * for each, so N steps a round; repeat until N paths have finished (`Answer:`, EOS, a blank step or out of
 * tokens), every path has, the round limit, or the budget. The answer is chosen by PRM-weighted best-of-N over
 * the finished paths, each weighted by the PRM score of its last step. `lookahead` > 0 scores each new step at the
 * end of a k-step greedy rollout instead (lookahead search); 0 is plain beam search.
 */
export async function searchBeams(question: string, params: SearchParams, ctx: SearchContext, lookahead: number): Promise<SearchResult> {
  if (!ctx.stepScorer) throw new Error("tree searches need a step scorer");
  const n = positiveInt(params.n, "n");
  const m = positiveInt(params.beam_width ?? Math.min(DEFAULT_BEAM_WIDTH, n), "beam_width");
  if (m > n) throw new RangeError("beam_width must not exceed n");
  if (!Number.isInteger(lookahead) || lookahead < 0) throw new RangeError("lookahead must be an integer ≥ 0");
  positiveInt(params.max_rounds ?? 1, "max_rounds");
  positiveInt(params.step_tokens ?? 1, "step_tokens");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const run = await treeSearch(
    question,
    params,
    ledger,
    { first: n, width: m, keep: Math.floor(n / m), lookahead, enough: n, seed: params.seed, subtree: 0 },
    { signal: ctx.signal },
  );
  return treeResult(run.nodes, run.finished, run.open, run.stopped, ledger.spent);
}

export function beamSearch(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  return searchBeams(question, params, ctx, 0);
}
