// weighted_best_of_n: sample n, score each with the PRM (last step), answer with the answer whose scores sum highest.
import { formatPrompt } from "../prompt.js";
import { BudgetTooSmallError, Ledger, positiveInt } from "./budget.js";
import { sampleCandidates } from "./candidates.js";
import { pickWeighted } from "./selection.js";
import { stepLines } from "./steps.js";
import type { SearchContext, SearchParams, SearchResult, StepScorer, StrategyCandidate } from "./types.js";

/**
 * Best-of-N weighted as Snell et al. 2024 run it: each candidate's PRM score at its last step (the probability that
 * the whole solution is on a right path), summed over candidates with the same final answer (pickWeighted).
 */
export async function weightedBestOfN(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  if (!ctx.stepScorer) throw new Error("weighted_best_of_n needs a step scorer (the PRM)");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const prompt = formatPrompt(question);
  // As many samples as the budget can pay for, scoring included.
  const n = ledger.most(positiveInt(params.n, "n"), (k) => ledger.samplesWorst(prompt, k, params.max_tokens, "stepScorer"));
  if (n === 0) {
    throw new BudgetTooSmallError(ledger.budget, ledger.samplesWorst(prompt, 1, params.max_tokens, "stepScorer"), "one scored sample");
  }
  const run = ledger.context();
  const { candidates } = await sampleCandidates(question, { ...params, n }, run);
  await scoreLastStep(question, candidates, run.stepScorer!, ctx.signal);
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

/** Sets each candidate's score to the PRM's score of its last step; a blank candidate (no step) is not sent and scores 0. */
export async function scoreLastStep(
  question: string,
  candidates: StrategyCandidate[],
  stepScorer: StepScorer,
  signal?: AbortSignal,
): Promise<void> {
  const scored = candidates.filter((c) => stepLines([c.text]).length > 0);
  for (const c of candidates) c.score = 0;
  if (scored.length === 0) return;
  const { scores } = await stepScorer.scoreSteps(scored.map((c) => ({ question, steps: stepLines([c.text]) })), { signal });
  if (scores.length !== scored.length) throw new Error(`step scorer returned ${scores.length} results for ${scored.length} items`);
  scored.forEach((c, i) => {
    const last = scores[i]?.at(-1);
    c.score = typeof last === "number" && Number.isFinite(last) ? last : null;
  });
}
