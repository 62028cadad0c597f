// The calibration's fit rules and their two-fold cross-validation (bench/ttc/fit-rules.ts) on hand-built measurements.
import type { StrategyConfig } from "@thinktime/core";
import { describe, expect, it } from "vitest";
import { type QuestionMeasurement, crossValidate, fitInput, fitWith, restrict } from "../bench/ttc/fit-rules.js";

const GREEDY: StrategyConfig = { strategy: "greedy" };
const MAJ: StrategyConfig = { strategy: "majority", n: 16 };
const SHAPE = {
  version: "t", unit: "flops" as const, probe: { n: 4, max_share: 0.25 }, bin_thresholds: [], default_bin: 0, budget_buckets: [10, 100],
};

function measured(budget: number, config: StrategyConfig, correct: boolean[], flops: number, bin = 0): QuestionMeasurement {
  const n = correct.length;
  return {
    bin, budget, config, accuracy: correct.filter(Boolean).length / n, spent: flops, questions: n, correct,
    flopsEach: correct.map(() => flops),
  };
}

// 100 questions. Greedy gets the first 50; majority gets those and 4 more (two in each fold), at 16× the FLOPs: a lead
// of 0.04 inside the unpaired error (√(.54·.46/100) ≈ 0.050) but twice the paired one (≈ 0.020).
const greedy = Array.from({ length: 100 }, (_, i) => i < 50);
const majority = Array.from({ length: 100 }, (_, i) => i < 54);
const MEASUREMENTS = [10, 100].flatMap((budget) => [measured(budget, GREEDY, greedy, 1), measured(budget, MAJ, majority, 16)]);

describe("fit rules", () => {
  it("restrict keeps the chosen questions and the fields the rule needs", () => {
    const m = measured(10, MAJ, majority, 16);
    const even = restrict(m, (i) => i % 2 === 0, "paired");
    expect(even).toMatchObject({ accuracy: 27 / 50, spent: 16, questions: 50 });
    expect(even.correct).toHaveLength(50);
    expect(restrict(m, () => true, "unpaired")).not.toHaveProperty("correct");
    expect(restrict(m, () => true, "none")).not.toHaveProperty("questions");
  });

  it("a consistent lead of 4 in 100: the paired rule pays for it, the unpaired one keeps greedy", () => {
    expect(fitWith(SHAPE, MEASUREMENTS, "paired").policy[0]).toEqual([MAJ, MAJ]);
    expect(fitWith(SHAPE, MEASUREMENTS, "unpaired").policy[0]).toEqual([GREEDY, GREEDY]);
    expect(fitWith(SHAPE, MEASUREMENTS, "none").policy[0]).toEqual([MAJ, MAJ]);
  });

  it("cross-validation plays each fold's table on the other fold's questions", () => {
    // Each fold holds 2 of majority's extra questions out of 50 (paired error ≈ 0.028 < 0.04): majority on both folds.
    const paired = crossValidate(SHAPE, MEASUREMENTS, "paired");
    expect(paired.buckets).toEqual([{ accuracy: 0.54, flops: 16 }, { accuracy: 0.54, flops: 16 }]);
    const unpaired = crossValidate(SHAPE, MEASUREMENTS, "unpaired");
    expect(unpaired.buckets).toEqual([{ accuracy: 0.5, flops: 1 }, { accuracy: 0.5, flops: 1 }]);
  });

  it("a lead that lives in one fold only is not carried to the other", () => {
    // Majority's extra right answers are all even-numbered questions: fitted on the odd fold it looks no better
    // than greedy (tie → cheaper greedy), and on the even fold it is better but is played on the odd questions.
    const skewed = Array.from({ length: 100 }, (_, i) => i < 50 || (i < 70 && i % 2 === 0));
    const ms = [10, 100].flatMap((budget) => [measured(budget, GREEDY, greedy, 1), measured(budget, MAJ, skewed, 16)]);
    const cv = crossValidate(SHAPE, ms, "none");
    // Fold 0 (even questions) uses the table fitted on odd ones: greedy, 25/50. Fold 1 (odd) uses majority: 25/50.
    expect(cv.buckets[0]).toEqual({ accuracy: 0.5, flops: (50 * 1 + 50 * 16) / 100 });
  });

  it("pooled: each config's questions of every bin together, so every bin gets the config best over all of them", () => {
    const shape = { ...SHAPE, bin_thresholds: [0.5] };
    // Bin 0: majority 4 questions ahead of greedy out of 100; bin 1: greedy 2 ahead. Pooled over 200: majority by 2.
    const ms = [10, 100].flatMap((budget) => [
      measured(budget, GREEDY, greedy, 1, 0), measured(budget, MAJ, majority, 16, 0),
      measured(budget, GREEDY, Array.from({ length: 100 }, (_, i) => i < 52), 1, 1), measured(budget, MAJ, greedy, 16, 1),
    ]);
    const input = fitInput(ms, () => true, "pooled");
    const pooledMaj = input.filter((m) => m.config === MAJ && m.budget === 10);
    expect(pooledMaj.map((m) => m.bin)).toEqual([0, 1]);
    expect(pooledMaj[0]).toMatchObject({ accuracy: 104 / 200, questions: 200, spent: 16 });
    // The lead (0.01) is inside √(.52·.48/200) ≈ 0.035: greedy for both bins; per bin, none takes each bin's best.
    expect(fitWith(shape, ms, "pooled").policy).toEqual([[GREEDY, GREEDY], [GREEDY, GREEDY]]);
    expect(fitWith(shape, ms, "none").policy).toEqual([[MAJ, MAJ], [GREEDY, GREEDY]]);
    // The same 4-in-100 lead in both bins: inside each bin's error (0.050) but outside the pooled one (0.035).
    const both = [10, 100].flatMap((budget) => [0, 1].flatMap((bin) => [measured(budget, GREEDY, greedy, 1, bin), measured(budget, MAJ, majority, 16, bin)]));
    expect(fitWith(shape, both, "unpaired").policy).toEqual([[GREEDY, GREEDY], [GREEDY, GREEDY]]);
    expect(fitWith(shape, both, "pooled").policy).toEqual([[MAJ, MAJ], [MAJ, MAJ]]);
    // pooled-paired: the 4-ahead-2-behind split above is noise to the paired error too (d = 0.01, error ≈ 0.012) …
    expect(fitWith(shape, ms, "pooled-paired").policy).toEqual([[GREEDY, GREEDY], [GREEDY, GREEDY]]);
    // … but a lead of 2 in 100 on the same questions in both bins counts (error ≈ 0.010), where unpaired pooling
    // (error ≈ 0.035) keeps greedy.
    const consistent = [10, 100].flatMap((budget) =>
      [0, 1].flatMap((bin) => [measured(budget, GREEDY, greedy, 1, bin), measured(budget, MAJ, Array.from({ length: 100 }, (_, i) => i < 52), 16, bin)]),
    );
    expect(fitWith(shape, consistent, "pooled").policy).toEqual([[GREEDY, GREEDY], [GREEDY, GREEDY]]);
    expect(fitWith(shape, consistent, "pooled-paired").policy).toEqual([[MAJ, MAJ], [MAJ, MAJ]]);
  });

  it("gated: a bucket keeps its per-bin column (and auto's probe) only where it beats pooled's one config by an error", () => {
    const shape = { ...SHAPE, bin_thresholds: [0.5] };
    const first = (k: number) => Array.from({ length: 100 }, (_, i) => i < k);
    const table = (maj0: number, greedy1: number, maj1: number) =>
      [10, 100].flatMap((budget) => [
        measured(budget, GREEDY, first(50), 1, 0), measured(budget, MAJ, first(maj0), 16, 0),
        measured(budget, GREEDY, first(greedy1), 1, 1), measured(budget, MAJ, first(maj1), 16, 1),
      ]);
    // Majority 20 ahead in bin 0, 20 behind in bin 1: per bin 70% over all, any one config 60%; the probe pays.
    const pays = table(70, 70, 50);
    expect(fitWith(shape, pays, "unpaired").policy).toEqual([[MAJ, MAJ], [GREEDY, GREEDY]]);
    expect(fitWith(shape, pays, "gated").policy).toEqual([[MAJ, MAJ], [GREEDY, GREEDY]]);
    // Majority 6 ahead in bin 0 (outside that bin's error, 0.050), level in bin 1: per bin 53% against greedy's 50%
    // over all 200, inside √(.53·.47/200) ≈ 0.035, so the probe would not pay: greedy everywhere.
    const wasted = table(56, 50, 50);
    expect(fitWith(shape, wasted, "unpaired").policy).toEqual([[MAJ, MAJ], [GREEDY, GREEDY]]);
    expect(fitWith(shape, wasted, "gated").policy).toEqual([[GREEDY, GREEDY], [GREEDY, GREEDY]]);
    // Cross-validated: greedy on both folds.
    expect(crossValidate(shape, wasted, "gated").buckets[0]).toEqual({ accuracy: 0.5, flops: 1 });
  });
});
