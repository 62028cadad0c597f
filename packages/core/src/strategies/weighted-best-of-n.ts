// weighted_best_of_n: sample n, score each, and answer with the answer whose candidates' scores sum highest.
import { formatPrompt } from "../prompt.js";
import { BudgetTooSmallError, Ledger, positiveInt } from "./budget.js";
import { sampleCandidates, scoreCandidates } from "./candidates.js";
import { pickWeighted } from "./selection.js";
import type { SearchContext, SearchParams, SearchResult } from "./types.js";

export async function weightedBestOfN(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  if (!ctx.scorer) throw new Error("weighted_best_of_n needs a scorer");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const prompt = formatPrompt(question);
  // As many samples as the budget can pay for, scoring included.
  const n = ledger.most(positiveInt(params.n, "n"), (k) => ledger.samplesWorst(prompt, k, params.max_tokens, "scorer"));
  if (n === 0) {
    throw new BudgetTooSmallError(ledger.budget, ledger.samplesWorst(prompt, 1, params.max_tokens, "scorer"), "one scored sample");
  }
  const run = ledger.context();
  const { candidates } = await sampleCandidates(question, { ...params, n }, run);
  await scoreCandidates(question, candidates, run.scorer!, ctx.signal);
  const { answer, chosen, votes } = pickWeighted(candidates);
  return {
    answer,
    chosen,
    candidates: candidates.map((c) => ({ ...c, finished: true })),
    votes,
    stopped: n < params.n ? "budget" : "done",
    cost: { ...ledger.spent },
  };
}
