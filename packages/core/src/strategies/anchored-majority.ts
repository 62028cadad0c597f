// anchored_majority (ours): a vote over n samples with the greedy answer counted as `anchor` votes.
import { formatPrompt } from "../prompt.js";
import { BudgetTooSmallError, Ledger, plus, positiveInt } from "./budget.js";
import { sampleCandidates } from "./candidates.js";
import type { Ballot, SearchContext, SearchParams, SearchResult } from "./types.js";
import { scoreLastStep } from "./weighted-best-of-n.js";

/** The greedy answer's votes when a job does not say: a quarter of the samples', at least one. */
export const defaultAnchor = (n: number) => Math.max(1, Math.ceil(n / 4));

/**
 * Self-consistency that starts from the model's best guess. A small policy's greedy answer is right more often than
 * any one sample, but a vote of many samples can catch up with it; counting the greedy answer as `anchor` votes
 * beside n samples keeps it unless enough samples agree on something else. With `weighted`, every vote is worth the
 * PRM's last-step score of its solution (as weighted_best_of_n), the greedy one `anchor` times its score. Ties go
 * to the answer that occurred first, the greedy one being first. The greedy decode is paid first; the rest of the
 * budget decides how many samples run (none when it cannot pay one: the greedy answer alone). Candidate 0 is the
 * greedy one.
 */
export async function anchoredMajority(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  const weighted = params.weighted ?? false;
  if (weighted && !ctx.stepScorer) throw new Error("anchored_majority with weighted needs a step scorer (the PRM)");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const prompt = formatPrompt(question);
  const want = positiveInt(params.n, "n");
  const anchor = positiveInt(params.anchor ?? defaultAnchor(want), "anchor");
  const verifier = weighted ? "stepScorer" : null;
  const one = ledger.samplesWorst(prompt, 1, params.max_tokens, verifier);
  if (!ledger.fits(one)) throw new BudgetTooSmallError(ledger.budget, one, weighted ? "the greedy sample, scored" : "the greedy sample");
  const n = ledger.most(want, (k) => plus(one, ledger.samplesWorst(prompt, k, params.max_tokens, verifier)));
  const run = ledger.context();
  const [greedy, sampled] = await Promise.all([
    sampleCandidates(question, params, run, { n: 1, temperature: 0, top_p: 1 }),
    n > 0 ? sampleCandidates(question, { ...params, n }, run) : null,
  ]);
  const candidates = [...greedy.candidates, ...(sampled?.candidates ?? []).map((c) => ({ ...c, index: c.index + 1 }))];
  if (weighted) await scoreLastStep(question, candidates, run.stepScorer!, ctx.signal);
  const { answer, chosen, votes } = pickAnchored(candidates, anchor, weighted);
  return {
    answer,
    chosen,
    candidates: candidates.map((c) => ({ ...c, finished: true })),
    votes,
    stopped: n < want ? "budget" : "done",
    cost: { ...ledger.spent },
  };
}

/**
 * Votes per normalized answer: candidate 0 (the greedy one) counts `anchor`, every other candidate one, each times
 * its score when `weighted` (unscored: 0); candidates without an answer do not vote. The heaviest answer wins; ties
 * go to the earliest-occurring answer (so to the greedy one when it is among them). The chosen candidate is the
 * winner's first.
 */
export function pickAnchored(
  candidates: readonly Ballot[],
  anchor: number,
  weighted = false,
): { answer: string | null; chosen: number | null; votes: Record<string, number> } {
  const votes: Record<string, number> = {};
  const first = new Map<string, number>();
  for (const c of candidates) {
    if (c.answer === null) continue;
    votes[c.answer] = (votes[c.answer] ?? 0) + (c.index === 0 ? anchor : 1) * (weighted ? (c.score ?? 0) : 1);
    if (!first.has(c.answer)) first.set(c.answer, c.index);
  }
  let answer: string | null = null;
  // Insertion order is first occurrence, so a strict > leaves ties with the earlier answer.
  for (const a of first.keys()) if (answer === null || votes[a]! > votes[answer]!) answer = a;
  return { answer, chosen: answer === null ? null : first.get(answer)!, votes };
}
