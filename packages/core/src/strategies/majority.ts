// majority: sample n and answer with the most frequent normalized answer (self-consistency).
import { costOf, sampleCandidates, scoreCandidates } from "./candidates.js";
import type { Ballot, StrategyContext, StrategyParams, StrategyResult } from "./types.js";

export interface MajorityPick {
  answer: string | null;
  chosen: number | null;
  votes: Record<string, number>;
}

/**
 * The most frequent answer; candidates without one do not vote. Ties go to the higher total score when any
 * candidate was scored, then to the answer that occurred first. The chosen candidate is the winning answer's
 * highest-scoring candidate (first occurrence when unscored).
 */
export function pickMajority(candidates: readonly Ballot[]): MajorityPick {
  const votes: Record<string, number> = {};
  const totals = new Map<string, { votes: number; score: number; first: number; best: Ballot }>();
  for (const c of candidates) {
    if (c.answer === null) continue;
    votes[c.answer] = (votes[c.answer] ?? 0) + 1;
    const t = totals.get(c.answer);
    if (!t) {
      totals.set(c.answer, { votes: 1, score: c.score ?? 0, first: c.index, best: c });
    } else {
      t.votes += 1;
      t.score += c.score ?? 0;
      if ((c.score ?? Number.NEGATIVE_INFINITY) > (t.best.score ?? Number.NEGATIVE_INFINITY)) t.best = c;
    }
  }
  const scored = candidates.some((c) => c.score !== null);
  let winner: [string, { votes: number; score: number; first: number; best: Ballot }] | null = null;
  for (const entry of totals) {
    if (winner === null) {
      winner = entry;
      continue;
    }
    const [, t] = entry;
    const [, w] = winner;
    if (t.votes > w.votes) winner = entry;
    else if (t.votes === w.votes) {
      if (scored && t.score !== w.score) {
        if (t.score > w.score) winner = entry;
      } else if (t.first < w.first) winner = entry;
    }
  }
  if (winner === null) return { answer: null, chosen: null, votes };
  return { answer: winner[0], chosen: winner[1].best.index, votes };
}

export async function majority(question: string, params: StrategyParams, ctx: StrategyContext): Promise<StrategyResult> {
  const { batch, candidates } = await sampleCandidates(question, params, ctx);
  const verifierTokens = ctx.scorer ? await scoreCandidates(question, candidates, ctx.scorer, ctx.signal) : 0;
  const { answer, chosen, votes } = pickMajority(candidates);
  return { answer, chosen, candidates, votes, cost: costOf(batch, candidates, verifierTokens) };
}
