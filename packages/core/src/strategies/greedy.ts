// greedy: one sample at temperature 0, the baseline every test-time strategy must beat.
import { costOf, sampleCandidates } from "./candidates.js";
import type { StrategyContext, StrategyParams, StrategyResult } from "./types.js";

export async function greedy(question: string, params: StrategyParams, ctx: StrategyContext): Promise<StrategyResult> {
  const { batch, candidates } = await sampleCandidates(question, params, ctx, { n: 1, temperature: 0, top_p: 1 });
  const only = candidates[0];
  const answer = only?.answer ?? null;
  return {
    answer,
    chosen: only ? 0 : null,
    candidates,
    votes: answer === null ? {} : { [answer]: 1 },
    cost: costOf(batch, candidates, 0),
  };
}
