// Selection accuracy: each rule on handcrafted pools, exact enumeration vs. seeded sampling, and input checks.
import { describe, expect, it } from "vitest";
import { type ScoredSample, pickerFor, selectionAccuracy } from "../../src/metrics/index.js";
import { pickBest, pickMajority, pickWeighted } from "../../src/strategies/index.js";

const s = (answer: string | null, correct: boolean, orm?: number, prm?: number): ScoredSample => ({ answer, correct, orm, prm });
const MAJORITY = { method: "majority" } as const;
const BEST_ORM = { method: "best_of_n", score: "orm" } as const;
const BEST_PRM = { method: "best_of_n", score: "prm" } as const;
const WEIGHTED_ORM = { method: "weighted", score: "orm" } as const;

describe("majority", () => {
  it("takes the most frequent normalized answer over the whole pool, exactly", () => {
    const pool = [s("7", false), s("1,000", true), s("1000.0", true)];
    expect(selectionAccuracy(pool, 3, MAJORITY)).toEqual({ accuracy: 1, subsets: 1, exact: true });
  });

  it("breaks ties towards the answer that appears first in the pool", () => {
    expect(selectionAccuracy([s("3", false), s("4", true)], 2, MAJORITY).accuracy).toBe(0);
    expect(selectionAccuracy([s("4", true), s("3", false)], 2, MAJORITY).accuracy).toBe(1);
    expect(selectionAccuracy([s("3", false), s("4", true), s("4", true), s("3", false)], 4, MAJORITY).accuracy).toBe(0);
  });

  it("does not count samples without an answer", () => {
    const pool = [s(null, false), s(null, false), s("2", true)];
    expect(selectionAccuracy(pool, 3, MAJORITY).accuracy).toBe(1);
    // Subsets of two: {null, null} gives no answer (wrong), the two others find "2".
    expect(selectionAccuracy(pool, 2, MAJORITY)).toEqual({ accuracy: 2 / 3, subsets: 3, exact: true });
  });

  it("at k = 1 is the fraction of correct samples, enumerated exactly", () => {
    const pool = [s("1", true), s("2", false), s("1", true), s(null, false), s("3", false)];
    expect(selectionAccuracy(pool, 1, MAJORITY)).toEqual({ accuracy: 2 / 5, subsets: 5, exact: true });
  });
});

describe("best_of_n", () => {
  it("takes the single highest score, ties to the first, by the key asked for", () => {
    const pool = [s("5", false, 0.9, 0.2), s("6", true, 0.9, 0.8)];
    expect(selectionAccuracy(pool, 2, BEST_ORM).accuracy).toBe(0);
    expect(selectionAccuracy(pool, 2, BEST_PRM).accuracy).toBe(1);
  });

  it("never picks a sample without an answer, however well scored", () => {
    expect(selectionAccuracy([s(null, false, 0.99), s("2", true, 0.1)], 2, BEST_ORM).accuracy).toBe(1);
  });

  it("needs the score on every answered sample", () => {
    expect(() => selectionAccuracy([s("1", true, 0.5), s("2", false)], 2, BEST_ORM)).toThrow(RangeError);
    expect(() => selectionAccuracy([s("1", true, Number.NaN)], 1, BEST_ORM)).toThrow(RangeError);
    expect(selectionAccuracy([s(null, false), s("2", true, 0.3)], 2, BEST_ORM).accuracy).toBe(1);
  });
});

describe("weighted", () => {
  it("sums scores per answer: two middling votes beat one strong one", () => {
    const pool = [s("7", false, 0.7), s("5", true, 0.4), s("5.0", true, 0.45)];
    expect(selectionAccuracy(pool, 3, WEIGHTED_ORM).accuracy).toBe(1);
    expect(selectionAccuracy(pool, 3, BEST_ORM).accuracy).toBe(0);
  });

  it("lets one confident sample outweigh a weak majority", () => {
    const pool = [s("5", true, 0.9), s("7", false, 0.2), s("7", false, 0.3)];
    expect(selectionAccuracy(pool, 3, WEIGHTED_ORM).accuracy).toBe(1);
    expect(selectionAccuracy(pool, 3, MAJORITY).accuracy).toBe(0);
  });
});

describe("every rule", () => {
  it("scores 0 on an all-wrong or all-unanswered pool", () => {
    const wrong = [s("1", false, 0.9, 0.9), s("2", false, 0.1, 0.1), s("1", false, 0.5, 0.5)];
    const blank = [s(null, false), s(null, false)];
    for (const rule of [MAJORITY, BEST_ORM, BEST_PRM, WEIGHTED_ORM]) {
      expect(selectionAccuracy(wrong, 2, rule).accuracy).toBe(0);
      expect(selectionAccuracy(blank, 2, rule).accuracy).toBe(0);
    }
  });

  it("accepts a custom Picker", () => {
    const last = (subset: readonly ScoredSample[]) => subset.at(-1) ?? null;
    expect(selectionAccuracy([s("1", true), s("2", false), s("3", true)], 2, last)).toEqual({ accuracy: 2 / 3, subsets: 3, exact: true });
  });

  it("rejects k outside 1..n and a bad subset count", () => {
    const pool = [s("1", true), s("2", false)];
    expect(() => selectionAccuracy(pool, 0, MAJORITY)).toThrow(RangeError);
    expect(() => selectionAccuracy(pool, 3, MAJORITY)).toThrow(RangeError);
    expect(() => selectionAccuracy(pool, 1.5, MAJORITY)).toThrow(RangeError);
    expect(() => selectionAccuracy([], 1, MAJORITY)).toThrow(RangeError);
    expect(() => selectionAccuracy(pool, 1, MAJORITY, { subsets: 0 })).toThrow(RangeError);
  });
});

describe("sampled subsets", () => {
  // 12 samples, answers cycling 1,2,3; answer "1" is right. C(12, 4) = 495 subsets of four.
  const pool = Array.from({ length: 12 }, (_, i) => s(String((i % 3) + 1), i % 3 === 0, ((i * 7) % 11) / 10));

  it("enumerates when the subsets fit the budget, samples when they do not", () => {
    const exact = selectionAccuracy(pool, 4, WEIGHTED_ORM, { subsets: 495 });
    expect(exact).toMatchObject({ subsets: 495, exact: true });
    const sampled = selectionAccuracy(pool, 4, WEIGHTED_ORM, { subsets: 494, seed: 1 });
    expect(sampled).toMatchObject({ subsets: 494, exact: false });
    const many = selectionAccuracy(pool, 4, WEIGHTED_ORM, { subsets: 40_000, seed: 2 });
    expect(many.exact).toBe(true);
  });

  it("estimates the exact value from random subsets", () => {
    const big = Array.from({ length: 40 }, (_, i) => s(String((i % 3) + 1), i % 3 === 0, ((i * 7) % 11) / 10));
    // k = 2 of 40: C = 780, exact at the default budget of 1000; 700 draws must land near it.
    const exact = selectionAccuracy(big, 2, MAJORITY, { subsets: 780 });
    const estimate = selectionAccuracy(big, 2, MAJORITY, { subsets: 700, seed: 9 });
    expect(exact.exact).toBe(true);
    expect(estimate.exact).toBe(false);
    expect(Math.abs(estimate.accuracy - exact.accuracy)).toBeLessThan(0.06);
  });

  it("is deterministic for a seed and depends on it", () => {
    const run = (seed: number) => selectionAccuracy(pool, 4, MAJORITY, { subsets: 50, seed });
    expect(run(7)).toEqual(run(7));
    expect(new Set([1, 2, 3, 4, 5].map((seed) => run(seed).accuracy)).size).toBeGreaterThan(1);
  });
});

describe("pickerFor and the strategies' pickers", () => {
  const asBallots = (pool: ScoredSample[], key?: "orm") =>
    pool.map((x, index) => ({ index, answer: x.answer, score: key && x.answer !== null ? (x[key] ?? null) : null }));

  it("breaks a weighted tie as pickWeighted does: the answer with the best single score, not the first", () => {
    // "a" and "b" both total 1.0; b's best single score (0.9) beats a's (0.5).
    const pool = [s("a", false, 0.5), s("b", true, 0.1), s("a", false, 0.5), s("b", true, 0.9)];
    expect(pickerFor(WEIGHTED_ORM)(pool)).toBe(pool[3]);
    expect(pool[pickWeighted(asBallots(pool, "orm")).chosen!]).toBe(pool[3]);
    expect(selectionAccuracy(pool, 4, WEIGHTED_ORM).accuracy).toBe(1);
  });

  it("picks what pickMajority and pickBest pick, and nothing when no sample answers", () => {
    const pool = [s("5", true, 0.9), s("7", false, 0.2), s("7", false, 0.3), s(null, false, 1)];
    expect(pickerFor(MAJORITY)(pool)).toBe(pool[pickMajority(asBallots(pool)).chosen!]);
    expect(pickerFor(MAJORITY)(pool)).toBe(pool[1]);
    expect(pickerFor(BEST_ORM)(pool)).toBe(pool[pickBest(asBallots(pool, "orm"))!]);
    expect(pickerFor(BEST_ORM)(pool)).toBe(pool[0]);
    expect(pickerFor(MAJORITY)([s(null, true)])).toBeNull();
    expect(pickerFor(BEST_ORM)([s(null, true)])).toBeNull();
    expect(pickerFor(WEIGHTED_ORM)([])).toBeNull();
  });

  it("rejects a missing or non-finite score where the rule needs one", () => {
    expect(() => pickerFor(WEIGHTED_ORM)([s("1", true, Number.POSITIVE_INFINITY)])).toThrow(RangeError);
    expect(() => pickerFor(BEST_ORM)([s("1", true)])).toThrow(RangeError);
  });
});
