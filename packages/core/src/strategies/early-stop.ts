// early_stop: Thinktime's adaptive sampling — vote after every round of samples and stop once the leader is settled.
import { formatPrompt } from "../prompt.js";
import { BudgetTooSmallError, Ledger, positiveInt } from "./budget.js";
import { sampleCandidates, scoreCandidates } from "./candidates.js";
import { pickMajority } from "./majority.js";
import { pickWeighted } from "./selection.js";
import { deriveSeed } from "./steps.js";
import type { SearchCandidate, SearchContext, SearchParams, SearchResult, StopReason } from "./types.js";

export const EARLY_STOP_DEFAULTS = { round_size: 4, alpha: 0.05 } as const;

/**
 * The stopping test, after the Beta criterion of Aggarwal et al. 2023 ("Adaptive-Consistency"). Let a be the
 * leader's vote and b the runner-up's (0 when there is none): counts, or sums of verifier scores in [0, 1] when
 * weighted. Of the votes that go to either of the two, model the leader's share as p with a uniform prior; the
 * posterior is Beta(a + 1, b + 1). The leader is settled when P(p > 1/2 | votes) ≥ 1 − alpha, i.e. it beats the
 * runner-up at confidence 1 − alpha — or, with certainty, when a − b exceeds the samples still allowed, each of
 * which can add at most 1 to the runner-up. A unanimous first round of 4 gives P = 1 − 2⁻⁵ ≈ 0.97 ≥ 0.95 and stops;
 * 2 against 2 gives P = 0.5 and goes on.
 */
export function leaderSettled(votes: Record<string, number>, leader: string | null, remaining: number, alpha: number): boolean {
  if (leader === null) return false;
  const a = votes[leader] ?? 0;
  const b = Math.max(0, ...Object.entries(votes).filter(([k]) => k !== leader).map(([, v]) => v));
  if (a - b > remaining) return true;
  return betaAboveHalf(a + 1, b + 1) >= 1 - alpha;
}

/**
 * P(X > 1/2) for X ~ Beta(a, b), a, b ≥ 1 (real, since weighted votes are fractional): Simpson's rule on both halves
 * of the density, shifted by its peak so that nothing overflows; the normalizing constant cancels in the ratio.
 */
export function betaAboveHalf(a: number, b: number): number {
  if (!(a >= 1 && b >= 1)) throw new RangeError("betaAboveHalf needs a, b ≥ 1");
  const term = (c: number, x: number) => (c === 0 ? 0 : c * Math.log(x));
  const logDensity = (x: number) => term(a - 1, x) + term(b - 1, 1 - x);
  const peak = logDensity(a + b > 2 ? (a - 1) / (a + b - 2) : 0.5);
  const f = (x: number) => Math.exp(logDensity(x) - peak);
  const simpson = (lo: number, hi: number, intervals = 2048) => {
    const h = (hi - lo) / intervals;
    let sum = f(lo) + f(hi);
    for (let i = 1; i < intervals; i++) sum += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
    return (sum * h) / 3;
  };
  const lower = simpson(0, 0.5);
  const upper = simpson(0.5, 1);
  return upper / (lower + upper);
}

/**
 * Sample in rounds of `round_size` (each as large as the budget still allows, scoring included when weighted), up
 * to n samples; after each round vote — verifier-weighted (pickWeighted) when weighted, else by count
 * (pickMajority) — and stop as soon as the leader is settled. Easy questions, where the samples agree, stop after a
 * round or two; split ones spend up to n samples or the budget.
 */
export async function earlyStop(question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> {
  const weighted = params.weighted ?? ctx.scorer !== undefined;
  if (weighted && !ctx.scorer) throw new Error("weighted early_stop needs a scorer");
  const n = positiveInt(params.n, "n");
  const roundSize = positiveInt(params.round_size ?? EARLY_STOP_DEFAULTS.round_size, "round_size");
  const alpha = params.alpha ?? EARLY_STOP_DEFAULTS.alpha;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError("alpha must be in (0, 1)");
  const ledger = new Ledger(params.budget ?? {}, ctx);
  const run = ledger.context();
  const prompt = formatPrompt(question);
  const verifier = weighted ? "scorer" : null;
  const candidates: SearchCandidate[] = [];
  let pick = weighted ? pickWeighted(candidates) : pickMajority(candidates);
  let stopped: StopReason = "samples";
  for (let round = 0; candidates.length < n; round++) {
    const want = Math.min(roundSize, n - candidates.length);
    const k = ledger.most(want, (j) => ledger.samplesWorst(prompt, j, params.max_tokens, verifier));
    if (k === 0) {
      if (round === 0) throw new BudgetTooSmallError(ledger.budget, ledger.samplesWorst(prompt, 1, params.max_tokens, verifier));
      stopped = "budget";
      break;
    }
    const { candidates: fresh } = await sampleCandidates(question, { ...params, n: k, seed: deriveSeed(params.seed, "round", round) }, run);
    if (weighted) await scoreCandidates(question, fresh, run.scorer!, ctx.signal);
    candidates.push(...fresh.map((c, i) => ({ ...c, index: candidates.length + i, finished: true })));
    pick = weighted ? pickWeighted(candidates) : pickMajority(candidates);
    if (candidates.length < n && leaderSettled(pick.votes, pick.answer, n - candidates.length, alpha)) {
      stopped = "settled";
      break;
    }
  }
  return { answer: pick.answer, chosen: pick.chosen, candidates, votes: pick.votes, stopped, cost: { ...ledger.spent } };
}
