// Pool curves (Brown et al. 2024): coverage vs k with the unbiased pass@k and its exp(a·k^b) fit, and how far each
// selection rule (majority, ORM best-of-k, PRM-weighted, ORM-weighted) gets towards that coverage.
import {
  type PowerLawFit, type ScoredSample, type Selection, fitCoveragePowerLaw, meanPassAtK, selectionAccuracy,
} from "@thinktime/core";
import { AGGREGATIONS, type Aggregation, aggregate } from "@thinktime/verifier";
import type { PoolProblem, PoolSample } from "./pool.js";

/** 1, 2, 4, … up to max (and max itself). */
export function powersOfTwo(max: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= max; k *= 2) out.push(k);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

export interface CoverageCurve {
  label: string;
  points: { k: number; coverage: number }[];
  fit: PowerLawFit | null;
}

/** Coverage (pass@k, unbiased estimator over all K samples) of a group of problems at each k, and the fit. */
export function coverageCurve(label: string, problems: readonly PoolProblem[], ks: readonly number[]): CoverageCurve {
  const counts = problems.map((p) => ({ n: p.samples.length, c: p.samples.filter((s) => s.correct).length }));
  const points = ks.map((k) => ({ k, coverage: meanPassAtK(counts, k) }));
  return { label, points, fit: fitCoveragePowerLaw(points) };
}

export const SELECTIONS: { name: string; rule: Selection }[] = [
  { name: "majority vote", rule: { method: "majority" } },
  { name: "ORM best-of-k", rule: { method: "best_of_n", score: "orm" } },
  { name: "PRM best-of-k (last step)", rule: { method: "best_of_n", score: "prm" } },
  { name: "PRM-weighted best-of-k", rule: { method: "weighted", score: "prm" } },
  { name: "ORM-weighted majority", rule: { method: "weighted", score: "orm" } },
];

/** A pool sample as the selection rules see it: the PRM's step scores folded as the verifier folds them, by the last
 * step unless told otherwise (Snell et al.); a sample without steps scores 0. */
export function scored(problem: PoolProblem, how: Aggregation = "last"): ScoredSample[] {
  return problem.samples.map((s) => ({ answer: s.answer, correct: s.correct, orm: s.orm, prm: prmScore(s, how) }));
}

const prmScore = (s: PoolSample, how: Aggregation) => (s.prm.length ? aggregate(s.prm, how) : 0);
const lastStep = (s: PoolSample) => prmScore(s, "last");

/** Other weights for the vote than the verifier's aggregations: softer or sharper last-step scores, the ORM's score
 * times the PRM's, and the policy's own per-token likelihood (no verifier). */
export const REWEIGHTINGS: { name: string; weight: (s: PoolSample) => number }[] = [
  { name: "last^0.5", weight: (s) => lastStep(s) ** 0.5 },
  { name: "last^2", weight: (s) => lastStep(s) ** 2 },
  { name: "last^4", weight: (s) => lastStep(s) ** 4 },
  { name: "ORM × last", weight: (s) => s.orm * lastStep(s) },
  { name: "likelihood", weight: (s) => Math.exp(s.logprob / Math.max(1, s.tokens)) },
];

/** Weighted best-of-k accuracy per PRM aggregation and per reweighting, on these problems (seeded subsets, as
 * selectionCurve). */
export function aggregationAccuracy(problems: readonly PoolProblem[], k: number, subsets: number, seed: number) {
  const mean = (pools: ScoredSample[][], rule: Selection) =>
    pools.reduce((a, pool) => a + selectionAccuracy(pool, k, rule, { subsets, seed }).accuracy, 0) / pools.length;
  const weighted = { method: "weighted", score: "prm" } as const;
  const reweighted = (weight: (s: PoolSample) => number) =>
    problems.map((p) => p.samples.map((s) => ({ answer: s.answer, correct: s.correct, orm: s.orm, prm: weight(s) })));
  return {
    majority: mean(problems.map((p) => scored(p)), { method: "majority" }),
    weighted: [
      ...AGGREGATIONS.map((name) => ({ name, accuracy: mean(problems.map((p) => scored(p, name)), weighted) })),
      ...REWEIGHTINGS.map(({ name, weight }) => ({ name, accuracy: mean(reweighted(weight), weighted) })),
    ],
  };
}

/** Mean accuracy of a rule over problems at each k (seeded random size-k subsets of each pool). */
export function selectionCurve(problems: readonly PoolProblem[], rule: Selection, ks: readonly number[], subsets: number, seed: number) {
  const pools = problems.map((p) => scored(p));
  return ks.map((k) => ({
    k,
    accuracy: pools.reduce((a, pool) => a + selectionAccuracy(pool, k, rule, { subsets, seed }).accuracy, 0) / pools.length,
  }));
}
