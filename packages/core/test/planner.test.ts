// The compute-optimal planner: policy table validation, the probe plan, bin and bucket choice, fitting, determinism.
import { describe, expect, it } from "vitest";
import {
  BudgetTooSmallError, type Measurement, PolicyTable, type StrategyConfig, binOf, bucketOf, difficultyThresholds,
  fitPolicyTable, formatPrompt, pairedError, planAfterProbe, planInitial, probeDifficulty, sampleWorst, searchParamsOf, spanFlops,
} from "../src/index.js";
import { GEN, ORM, chars } from "./scripted.js";

const C = {
  greedy: { strategy: "greedy" },
  maj4: { strategy: "majority", n: 4 },
  maj16: { strategy: "majority", n: 16 },
  wbon4: { strategy: "weighted_best_of_n", n: 4 },
  bon4: { strategy: "best_of_n", n: 4 },
  beam8: { strategy: "beam_search", n: 8, beam_width: 2 },
  early32: { strategy: "early_stop", n: 32, round_size: 4, alpha: 0.05 },
  look8: { strategy: "lookahead", n: 8, beam_width: 2, lookahead: 1 },
  dvts16: { strategy: "dvts", n: 16, beam_width: 4, max_rounds: 12 },
} satisfies Record<string, StrategyConfig>;

const SHAPE = {
  version: "test-2025-01",
  unit: "tokens" as const,
  probe: { n: 4, max_share: 0.25 },
  bin_thresholds: [0.3, 0.6],
  default_bin: 1,
  budget_buckets: [0, 2000, 10000],
};
const TABLE = PolicyTable.parse({
  ...SHAPE,
  policy: [
    [C.greedy, C.maj4, C.maj16],
    [C.wbon4, C.beam8, C.early32],
    [C.bon4, C.look8, C.dvts16],
  ],
});

describe("PolicyTable", () => {
  it("rejects tables whose shape does not match their bins and buckets", () => {
    const bad = (patch: object) => PolicyTable.safeParse({ ...TABLE, ...patch }).success;
    expect(bad({})).toBe(true);
    expect(bad({ policy: TABLE.policy.slice(1) })).toBe(false);
    expect(bad({ policy: TABLE.policy.map((row) => row.slice(1)) })).toBe(false);
    expect(bad({ bin_thresholds: [0.6, 0.3] })).toBe(false);
    expect(bad({ budget_buckets: [0, 2000, 2000] })).toBe(false);
    expect(bad({ default_bin: 3 })).toBe(false);
    expect(bad({ policy: [[C.greedy, C.maj4, { ...C.beam8, beam_width: 9 }], ...TABLE.policy.slice(1)] })).toBe(false);
    expect(bad({ policy: [[C.greedy, C.maj4, { strategy: "oracle" }], ...TABLE.policy.slice(1)] })).toBe(false);
    expect(bad({ version: "" })).toBe(false);
  });
});

describe("planAfterProbe", () => {
  it("bins by 1 − the mean probe score against the thresholds (a threshold belongs to the harder bin)", () => {
    const bin = (scores: number[]) => planAfterProbe(scores, { tokens: 5000 }, TABLE).why.bin;
    expect(bin([0.9, 0.8])).toBe(0);
    expect(bin([0.7])).toBe(1);
    expect(bin([0.5, 0.5])).toBe(1);
    expect(bin([0.4])).toBe(2);
    expect(bin([0.1, 0.0])).toBe(2);
    expect(planAfterProbe([], { tokens: 5000 }, TABLE).why).toMatchObject({ bin: 1, difficulty: null });
  });

  it("picks the budget bucket from what is left and returns the entry's strategy, knobs and that budget", () => {
    const plan = planAfterProbe([0.2], { tokens: 12_000 }, TABLE);
    expect(plan).toEqual({
      strategy: "dvts",
      params: { n: 16, beam_width: 4, max_rounds: 12, budget: { tokens: 12_000 } },
      why: { version: TABLE.version, bin: 2, bucket: 2, difficulty: 0.8, entry: C.dvts16 },
    });
    expect(planAfterProbe([0.2], { tokens: 1999 }, TABLE).strategy).toBe("best_of_n");
    expect(planAfterProbe([0.2], { tokens: 2000 }, TABLE).strategy).toBe("lookahead");
    expect(planAfterProbe([0.95], { flops: 1e9 }, TABLE).why.bucket).toBe(2);
  });

  it("is deterministic and leaves its inputs alone", () => {
    for (let i = 0; i < 50; i++) {
      const scores = Array.from({ length: 1 + (i % 5) }, (_, j) => ((i * 7 + j * 13) % 100) / 100);
      const budget = { tokens: (i * 997) % 15_000 };
      const frozen = JSON.stringify([scores, budget, TABLE]);
      const a = planAfterProbe(scores, budget, TABLE);
      expect(planAfterProbe(scores, budget, TABLE)).toEqual(a);
      expect(JSON.stringify([scores, budget, TABLE])).toBe(frozen);
      const d = 1 - scores.reduce((s, x) => s + x, 0) / scores.length;
      expect(a.why.bin).toBe(TABLE.bin_thresholds.filter((t) => d >= t).length);
      expect(a.why.entry).toEqual(TABLE.policy[a.why.bin]![a.why.bucket]);
    }
  });

  it("searchParamsOf lays the plan's knobs and budget over the job's sampling params", () => {
    const plan = planAfterProbe([0.5], { tokens: 3000 }, TABLE);
    const base = { n: 1, temperature: 0.7, top_p: 0.9, seed: 4, max_tokens: 128 };
    expect(searchParamsOf(plan.params, base)).toEqual({ ...base, n: 8, beam_width: 2, budget: { tokens: 3000 } });
  });
});

describe("planInitial", () => {
  const Q = "How many?";
  const per = sampleWorst(Q, 64);
  const P = 1 + chars(formatPrompt(Q));

  it("sampleWorst is one full sample plus the verifier reading it", () => {
    expect(per.tokens).toBe(2 * (P + 64));
    const withModels = sampleWorst(Q, 64, { generator: GEN, scorer: ORM });
    expect(withModels.flops).toBe(spanFlops(GEN, 0, P + 64) + spanFlops(ORM, 0, P + 64));
  });

  it("probes table.probe.n samples when they fit its share of the budget", () => {
    expect(planInitial({ tokens: 100 * per.tokens }, TABLE, per)).toEqual({
      probe: { n: 4, worst: { tokens: 4 * per.tokens, flops: 0 } },
      plan: null,
    });
  });

  it("probes fewer when the share is smaller, and none when it cannot spare one (then plans the default bin)", () => {
    expect(planInitial({ tokens: 9 * per.tokens }, TABLE, per).probe?.n).toBe(2);
    const none = planInitial({ tokens: 2 * per.tokens }, TABLE, per);
    expect(none.probe).toBeNull();
    expect(none.plan?.why).toMatchObject({ bin: TABLE.default_bin, difficulty: null, bucket: 0 });
    expect(none.plan?.params.budget).toEqual({ tokens: 2 * per.tokens });
  });

  it("a budget below one sample is a BudgetTooSmallError", () => {
    expect(() => planInitial({ tokens: per.tokens - 1 }, TABLE, per)).toThrow(BudgetTooSmallError);
  });

  it("skips the probe when every bin plans the same config at the budget's bucket, and probes where they differ", () => {
    // Bucket 1 (from 2,000 tokens) says majority@4 in every bin (keys in another order in one): no probe can change that.
    const agree = PolicyTable.parse({
      ...SHAPE,
      policy: [
        [C.greedy, C.maj4, C.maj16],
        [C.wbon4, { n: 4, strategy: "majority" }, C.early32],
        [C.bon4, C.maj4, C.dvts16],
      ],
    });
    const mid = planInitial({ tokens: 5000 }, agree, per);
    expect(mid.probe).toBeNull();
    expect(mid.plan?.strategy).toBe("majority");
    expect(mid.plan?.why).toMatchObject({ bucket: 1, difficulty: null, bin: agree.default_bin });
    expect(mid.plan?.params.budget).toEqual({ tokens: 5000 });
    expect(planInitial({ tokens: 20_000 }, agree, per).probe?.n).toBe(4);
    expect(planInitial({ tokens: 5000 }, TABLE, per).probe).not.toBeNull();
  });
});

describe("difficulty", () => {
  it("probeDifficulty, binOf and quantile thresholds", () => {
    expect(probeDifficulty([0.25, 0.75])).toBe(0.5);
    expect(probeDifficulty([])).toBeNull();
    expect(binOf(0.3, [0.3, 0.6])).toBe(1);
    expect(binOf(0.29, [0.3, 0.6])).toBe(0);
    expect(difficultyThresholds([0.9, 0, 0.5, 0.1, 0.7, 0.3, 0.2, 0.8, 0.4, 0.6], 5)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(difficultyThresholds([0.5], 1)).toEqual([]);
  });

  it("bucketOf: the last bucket whose edge the budget reaches; unlimited is the last", () => {
    expect(bucketOf({ tokens: 0 }, TABLE)).toBe(0);
    expect(bucketOf({ tokens: 9999 }, TABLE)).toBe(1);
    expect(bucketOf({}, TABLE)).toBe(2);
  });
});

describe("fitPolicyTable", () => {
  const m = (bin: number, budget: number, config: StrategyConfig, accuracy: number, spent: number): Measurement => ({
    bin, budget, config, accuracy, spent,
  });
  const MEASUREMENTS: Measurement[] = [
    m(0, 500, C.greedy, 0.9, 100),
    m(0, 500, C.maj4, 0.9, 400),
    m(0, 3000, C.maj16, 0.95, 1600),
    m(0, 3000, C.beam8, 0.93, 2500),
    m(1, 500, C.wbon4, 0.5, 300),
    m(1, 500, C.bon4, 0.5, 300),
    m(1, 3000, C.beam8, 0.6, 2800),
    m(1, 12000, C.early32, 0.55, 4000),
    m(1, 12000, C.dvts16, 0.7, 11000),
    m(2, 500, C.bon4, 0.2, 300),
    m(2, 12000, C.look8, 0.35, 9000),
  ];

  it("with question counts, takes the cheapest config within one standard error of the best (noise is not paid for)", () => {
    const withN = MEASUREMENTS.map((x) => ({ ...x, questions: 10 }));
    const t = fitPolicyTable({ ...SHAPE, measurements: withN });
    // Bin 0: greedy's 0.90 (spend 100) is within √(.95·.05/10) ≈ 0.069 of maj16's 0.95: greedy everywhere.
    // Bin 1: beam8's 0.60 is within √(.7·.3/10) ≈ 0.145 of dvts16's 0.70 at a quarter of the spend; bon4's 0.50 is
    // within √(.6·.4/10) ≈ 0.155 of beam8's; early32's 0.55 is not within dvts16's error (0.70 − 0.145 = 0.555).
    expect(t.policy[0]).toEqual([C.greedy, C.greedy, C.greedy]);
    expect(t.policy[1]).toEqual([C.bon4, C.bon4, C.beam8]);
    // With many questions the standard error shrinks and the most accurate config wins again.
    const precise = fitPolicyTable({ ...SHAPE, measurements: MEASUREMENTS.map((x) => ({ ...x, questions: 100_000 })) });
    expect(precise.policy).toEqual(fitPolicyTable({ ...SHAPE, measurements: MEASUREMENTS }).policy);
  });

  it("with per-question outcomes, the error is the paired difference's: a consistent lead counts, a mixed one does not", () => {
    const right = (n: number, of = 40) => Array.from({ length: of }, (_, i) => i < n);
    const others = [m(1, 500, C.greedy, 0.5, 100), m(2, 500, C.greedy, 0.5, 100)]; // bins 1 and 2 need an entry
    // 40 questions. maj16 answers every question greedy does plus 4 more: the unpaired error (√(.6·.4/40) ≈ 0.077)
    // would keep greedy's 0.5 against 0.6, but every difference is +1 or 0 (paired error ≈ 0.048), so maj16 wins.
    const consistent = [
      { ...m(0, 500, C.greedy, 0.5, 100), correct: right(20) },
      { ...m(0, 500, C.maj16, 0.6, 1600), correct: right(24) },
    ];
    expect(pairedError(right(24), right(20))).toBeCloseTo(Math.sqrt(0.1 * 0.9 / 39), 10);
    expect(fitPolicyTable({ ...SHAPE, measurements: [...consistent, ...others] }).policy[0]).toEqual([C.maj16, C.maj16, C.maj16]);
    // Same accuracies, but maj16 wins 12 questions greedy loses and loses 8 greedy wins: the paired error
    // (√(var(d)/40) ≈ 0.11) exceeds the 0.1 lead, so the cheaper greedy is kept.
    const mixed = [
      { ...m(0, 500, C.greedy, 0.5, 100), correct: right(20) },
      { ...m(0, 500, C.maj16, 0.6, 1600), correct: Array.from({ length: 40 }, (_, i) => (i >= 8 && i < 20) || i >= 28) },
    ];
    expect(mixed[1]!.correct.filter(Boolean).length).toBe(24);
    expect(fitPolicyTable({ ...SHAPE, measurements: [...mixed, ...others] }).policy[0]).toEqual([C.greedy, C.greedy, C.greedy]);
    // Identical outcomes differ by no noise at all: the cheaper of the two, whatever the count.
    const same = [
      { ...m(0, 500, C.greedy, 0.5, 100), correct: right(20) },
      { ...m(0, 500, C.maj4, 0.5, 400), correct: right(20) },
    ];
    expect(fitPolicyTable({ ...SHAPE, measurements: [...same, ...others] }).policy[0]).toEqual([C.greedy, C.greedy, C.greedy]);
    expect(() => pairedError(right(3, 4), right(3, 5))).toThrow(/length/);
  });

  it("takes the most accurate config at this budget or a cheaper one; ties to less spend, then canonical order", () => {
    const t = fitPolicyTable({ ...SHAPE, measurements: MEASUREMENTS });
    expect(t.policy).toEqual([
      [C.greedy, C.maj16, C.maj16],
      [C.bon4, C.beam8, C.dvts16],
      [C.bon4, C.bon4, C.look8],
    ]);
    expect(PolicyTable.safeParse(t).success).toBe(true);
    expect(t.version).toBe(SHAPE.version);
  });

  it("does not depend on the order of the measurements", () => {
    const reference = fitPolicyTable({ ...SHAPE, measurements: MEASUREMENTS });
    for (let k = 1; k < MEASUREMENTS.length; k++) {
      const rotated = [...MEASUREMENTS.slice(k), ...MEASUREMENTS.slice(0, k)].reverse();
      expect(fitPolicyTable({ ...SHAPE, measurements: rotated })).toEqual(reference);
    }
  });

  it("a bin without a measurement at the smallest bucket is an error", () => {
    const missing = MEASUREMENTS.filter((x) => !(x.bin === 2 && x.budget === 500));
    expect(() => fitPolicyTable({ ...SHAPE, measurements: missing })).toThrow(/bin 2/);
  });
});
