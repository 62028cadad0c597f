// best_of_n: sample n, let the verifier score each, answer with the highest-scoring candidate.
import { costOf, sampleCandidates, scoreCandidates } from "./candidates.js";
import type { Ballot, StrategyContext, StrategyParams, StrategyResult } from "./types.js";

/**
 * Index of the highest score, ties to the lowest index. Candidates with a parsable answer are preferred: a
 * candidate without one can never be right, so it is chosen only when no candidate has an answer.
 */
export function pickBest(candidates: readonly Ballot[]): number | null {
  const pool = candidates.some((c) => c.answer !== null) ? candidates.filter((c) => c.answer !== null) : candidates;
  let best: Ballot | null = null;
  for (const c of pool) {
    const s = c.score ?? Number.NEGATIVE_INFINITY;
    if (best === null || s > (best.score ?? Number.NEGATIVE_INFINITY)) best = c;
  }
  return best?.index ?? null;
}

export async function bestOfN(question: string, params: StrategyParams, ctx: StrategyContext): Promise<StrategyResult> {
  if (!ctx.scorer) throw new Error("best_of_n needs a scorer");
  const { batch, candidates } = await sampleCandidates(question, params, ctx);
  const verifierTokens = await scoreCandidates(question, candidates, ctx.scorer, ctx.signal);
  const chosen = pickBest(candidates);
  const votes: Record<string, number> = {};
  for (const c of candidates) {
    if (c.answer === null || c.score === null) continue;
    votes[c.answer] = Math.max(votes[c.answer] ?? Number.NEGATIVE_INFINITY, c.score);
  }
  return {
    answer: chosen === null ? null : (candidates[chosen]?.answer ?? null),
    chosen,
    candidates,
    votes,
    cost: costOf(batch, candidates, verifierTokens),
  };
}
