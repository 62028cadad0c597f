// Offline selection accuracy: from one pool of scored samples, how often each answer-picking rule is right at k.
import { normalizeAnswer } from "../answers.js";
import { mulberry32 } from "../rng.js";
import { pickBest } from "../strategies/best-of-n.js";
import { pickMajority } from "../strategies/majority.js";
import { pickWeighted } from "../strategies/selection.js";
import type { Ballot } from "../strategies/types.js";

/** One sampled solution to a question, already checked and scored. */
export interface ScoredSample {
  /** The extracted final answer; null when none could be extracted (such a sample never votes or gets picked). */
  answer: string | null;
  correct: boolean;
  /** Outcome reward model score of the whole solution. */
  orm?: number;
  /** Process reward model score of the solution, already aggregated over steps (Snell et al. use the last step). */
  prm?: number;
}

export type ScoreKey = "orm" | "prm";

/** Picks the sample whose answer a rule gives for this subset, or null when the rule gives no answer. */
export type Picker = (subset: readonly ScoredSample[]) => ScoredSample | null;

/**
 * The rules compared by the benchmark:
 * - majority: self-consistency, each answered sample one vote.
 * - best_of_n: the single highest-scoring sample.
 * - weighted: best-of-N weighted (Snell et al. 2024), the verifier-weighted vote of Li et al. 2023: each answered
 *   sample votes with its score. "Reward-weighted majority" is this same rule under another name, so it is not a
 *   separate method; other rules go through a Picker directly.
 */
export type Selection = { method: "majority" } | { method: "best_of_n" | "weighted"; score: ScoreKey };

export interface SelectionAccuracy {
  /** Fraction of the size-k subsets on which the picked answer is correct (no answer counts as wrong). */
  accuracy: number;
  /** How many subsets were evaluated. */
  subsets: number;
  /** True when every size-k subset was evaluated, so accuracy is the exact expectation, not an estimate. */
  exact: boolean;
}

export interface SubsetOptions {
  /** Random subsets to draw (default 1000); when the pool has no more distinct subsets than this, all are used. */
  subsets?: number;
  /** Seed of the mulberry32 stream the subsets are drawn from (default 0): same seed, same subsets, same result. */
  seed?: number;
}

export const DEFAULT_SUBSETS = 1000;

/**
 * The Picker for a named rule: the strategies' own final pickers (pickMajority, pickBest, pickWeighted) over the
 * subset, so offline curves and replayed strategies break ties alike. Samples without an answer never vote or get
 * picked while another has one. best_of_n and weighted need the score on every sample that has an answer
 * (RangeError otherwise); majority reads no score, so its ties go to the answer that appears first.
 */
export function pickerFor(selection: Selection): Picker {
  const ballots = (subset: readonly ScoredSample[]): Ballot[] =>
    subset.map((s, index) => ({
      index,
      answer: s.answer === null ? null : normalizeAnswer(s.answer),
      score: selection.method === "majority" || s.answer === null ? null : scoreOf(s, selection.score),
    }));
  const at = (subset: readonly ScoredSample[], i: number | null) => (i === null ? null : subset[i]!);
  switch (selection.method) {
    case "majority":
      return (subset) => at(subset, pickMajority(ballots(subset)).chosen);
    case "weighted":
      return (subset) => at(subset, pickWeighted(ballots(subset)).chosen);
    case "best_of_n":
      return (subset) => {
        const chosen = at(subset, pickBest(ballots(subset)));
        return chosen?.answer === null ? null : chosen;
      };
  }
}

/**
 * Expected accuracy of a rule given k samples of this pool: the mean, over size-k subsets, of whether the sample it
 * picks is correct. Subsets keep pool order, so "first" in tie-breaks means lowest pool index. When C(n, k) is at
 * most `subsets` (always for k = n) every subset is evaluated once and the result is exact; otherwise `subsets`
 * random subsets are drawn from the seeded stream. RangeError unless 1 ≤ k ≤ pool size and subsets is a positive
 * integer.
 */
export function selectionAccuracy(
  pool: readonly ScoredSample[],
  k: number,
  rule: Selection | Picker,
  options: SubsetOptions = {},
): SelectionAccuracy {
  const n = pool.length;
  const budget = options.subsets ?? DEFAULT_SUBSETS;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`selectionAccuracy needs 1 ≤ k ≤ ${n}, got ${k}`);
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`subsets must be a positive integer, got ${budget}`);
  const pick = typeof rule === "function" ? rule : pickerFor(rule);
  const exact = binomialAtMost(n, k, budget) !== null;
  const indexSets = exact ? allSubsets(n, k) : randomSubsets(n, k, budget, options.seed ?? 0);
  let right = 0;
  let count = 0;
  for (const indices of indexSets) {
    const chosen = pick(indices.map((i) => pool[i]!));
    if (chosen?.correct === true) right += 1;
    count += 1;
  }
  return { accuracy: right / count, subsets: count, exact };
}

function scoreOf(sample: ScoredSample, key: ScoreKey): number {
  const score = sample[key];
  if (score === undefined || !Number.isFinite(score)) {
    throw new RangeError(`sample with answer ${JSON.stringify(sample.answer)} has no finite ${key} score`);
  }
  return score;
}

/** C(n, k) when it is at most cap, else null; never forms a number past cap. */
function binomialAtMost(n: number, k: number, cap: number): number | null {
  const r = Math.min(k, n - k);
  let c = 1;
  for (let i = 0; i < r; i++) {
    c = (c * (n - i)) / (i + 1);
    if (c > cap) return null;
  }
  return c;
}

/** Every size-k subset of 0..n−1, ascending, in lexicographic order. */
function* allSubsets(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield idx.slice();
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]! += 1;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

/** count uniform size-k subsets (partial Fisher–Yates), each sorted ascending; draws are independent. */
function* randomSubsets(n: number, k: number, count: number, seed: number): Generator<number[]> {
  const rand = mulberry32(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let d = 0; d < count; d++) {
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    yield idx.slice(0, k).sort((a, b) => a - b);
  }
}
