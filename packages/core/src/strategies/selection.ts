// Weighted final-answer selection, kept apart from search: every search ends by choosing among its candidates.
import { pickBest } from "./best-of-n.js";
import type { Ballot } from "./types.js";

export interface WeightedPick {
  answer: string | null;
  chosen: number | null;
  /** Total verifier score per normalized answer. */
  votes: Record<string, number>;
}

/**
 * Best-of-N weighted (Snell et al. 2024; the "voting verifier" of Li et al. 2023 is the same rule, so there is no
 * separate reward-weighted majority): sum the verifier scores of the candidates that reach each normalized answer
 * and answer with the heaviest. Unscored candidates weigh 0; candidates without an answer do not vote. Ties go to
 * the answer with the best single score, then to the one that occurred first. The chosen candidate is the winner's
 * highest-scoring one (lowest index on ties). With no parsable answer: answer null, chosen as pickBest does.
 */
export function pickWeighted(candidates: readonly Ballot[]): WeightedPick {
  const votes: Record<string, number> = {};
  const groups = new Map<string, { total: number; best: Ballot }>();
  for (const c of candidates) {
    if (c.answer === null) continue;
    const w = c.score ?? 0;
    votes[c.answer] = (votes[c.answer] ?? 0) + w;
    const g = groups.get(c.answer);
    if (!g) groups.set(c.answer, { total: w, best: c });
    else {
      g.total += w;
      if (scoreOf(c) > scoreOf(g.best)) g.best = c;
    }
  }
  let winner: [string, { total: number; best: Ballot }] | null = null;
  for (const entry of groups) {
    if (winner === null) winner = entry;
    else {
      const [, g] = entry;
      const [, w] = winner;
      if (g.total > w.total || (g.total === w.total && scoreOf(g.best) > scoreOf(w.best))) winner = entry;
    }
  }
  if (winner === null) return { answer: null, chosen: pickBest(candidates), votes };
  return { answer: winner[0], chosen: winner[1].best.index, votes };
}

function scoreOf(c: Ballot): number {
  return c.score ?? Number.NEGATIVE_INFINITY;
}
