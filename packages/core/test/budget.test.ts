// Hard budgets: every search strategy stays within its budget, bills what it used, and refuses a budget below one unit.
import { describe, expect, it } from "vitest";
import {
  type Budget, BudgetExceededError, BudgetTooSmallError, Ledger, PolicyTable, STRATEGIES, type SearchContext,
  type SearchParams, amountOf, fitsBudget, formatPrompt, remainingBudget, runSearch, spanFlops, weightedBestOfN,
} from "../src/index.js";
import {
  GEN, MODELS, ORM, chars, randomTurns, scriptedSampler, scriptedScorer, scriptedStepScorer, stepWorld, worldPrm,
} from "./scripted.js";

const Q = "Ana has 2 apples. She doubles them three times. How many?";
const PARAMS: SearchParams = {
  n: 8, beam_width: 2, lookahead: 1, round_size: 3, chains: 3, temperature: 0.8, top_p: 1, seed: 5, max_tokens: 40, step_tokens: 12,
};
const P = 1 + chars(formatPrompt(Q));
/** auto plans with this: every kind of strategy appears, so its budget cap is checked on each. */
const TABLE = PolicyTable.parse({
  version: "budget-test",
  unit: "tokens",
  probe: { n: 2, max_share: 0.3 },
  bin_thresholds: [0.4, 0.6],
  default_bin: 2,
  budget_buckets: [0, 700, 2500],
  policy: [
    [{ strategy: "greedy" }, { strategy: "majority", n: 4 }, { strategy: "early_stop", n: 8, round_size: 2, alpha: 0.1 }],
    [{ strategy: "best_of_n", n: 2 }, { strategy: "weighted_best_of_n", n: 4 }, { strategy: "lookahead", n: 4, beam_width: 2, lookahead: 1 }],
    [{ strategy: "majority", n: 2 }, { strategy: "beam_search", n: 4, beam_width: 2 }, { strategy: "dvts", n: 8, beam_width: 2 }],
  ],
});

function setup() {
  const { sampler, rec } = scriptedSampler(stepWorld(randomTurns));
  const scorer = scriptedScorer((s) => (s.includes("Answer: 8") ? 0.8 : 0.3));
  const stepScorer = scriptedStepScorer(worldPrm);
  const ctx: SearchContext = { sampler, reviser: sampler, scorer, stepScorer, models: MODELS, policyTable: TABLE };
  return { ctx, rec, scorer, stepScorer };
}

const TOKEN_BUDGETS = [0, 60, 120, 200, 300, 450, 700, 1000, 1500, 2500, 4000, 8000];
const FLOP_BUDGETS = [1e4, 2e5, 5e5, 1e6, 2e6, 4e6, 8e6, 2e7];
const BUDGETS: Budget[] = [
  ...TOKEN_BUDGETS.map((tokens) => ({ tokens })),
  ...FLOP_BUDGETS.map((flops) => ({ flops })),
  ...TOKEN_BUDGETS.slice(3).map((tokens, i) => ({ tokens, flops: FLOP_BUDGETS[i % FLOP_BUDGETS.length]! })),
];

describe("every search strategy under a budget", () => {
  for (const name of STRATEGIES) {
    it(`${name}: never spends more than the budget, bills what the fakes reported, refuses budgets below one unit`, async () => {
      let ran = 0;
      let refused = 0;
      for (const budget of BUDGETS) {
        const { ctx, rec, scorer, stepScorer } = setup();
        let r: Awaited<ReturnType<typeof runSearch>>;
        try {
          r = await runSearch(name, Q, { ...PARAMS, budget }, ctx);
        } catch (err) {
          expect(err).toBeInstanceOf(BudgetTooSmallError);
          expect((err as BudgetTooSmallError).code).toBe("budget_too_small");
          expect(fitsBudget((err as BudgetTooSmallError).needed, budget)).toBe(false);
          expect(rec.calls).toHaveLength(0);
          refused++;
          continue;
        }
        ran++;
        const spent = amountOf(r.cost);
        expect(spent.tokens).toBeLessThanOrEqual(budget.tokens ?? Number.POSITIVE_INFINITY);
        expect(spent.flops).toBeLessThanOrEqual(budget.flops ?? Number.POSITIVE_INFINITY);
        expect(r.cost.prompt_tokens).toBe(rec.promptTokens);
        expect(r.cost.generated_tokens).toBe(rec.generated);
        expect(r.cost.verifier_tokens).toBe(scorer.rec.tokens + stepScorer.rec.tokens);
        expect(r.cost.verifier_flops).toBeCloseTo(scorer.rec.flops + stepScorer.rec.flops, 0);
        expect(r.cost.flops).toBeCloseTo(rec.flops + scorer.rec.flops + stepScorer.rec.flops, 0);
        expect(r.candidates.length).toBeGreaterThan(0);
      }
      expect(ran).toBeGreaterThan(3);
      expect(refused).toBeGreaterThan(0);
    });
  }

  it("a budget below one sample is a BudgetTooSmallError for every strategy", async () => {
    for (const name of STRATEGIES) {
      await expect(runSearch(name, Q, { ...PARAMS, budget: { tokens: P } }, setup().ctx)).rejects.toBeInstanceOf(BudgetTooSmallError);
    }
  });

  it("a FLOPs budget needs the models' FLOPs shapes", async () => {
    const { ctx } = setup();
    await expect(runSearch("best_of_n", Q, { ...PARAMS, budget: { flops: 1e9 } }, { ...ctx, models: {} })).rejects.toThrow(
      /models.generator/,
    );
    await expect(
      runSearch("best_of_n", Q, { ...PARAMS, budget: { flops: 1e9 } }, { ...ctx, models: { generator: GEN } }),
    ).rejects.toThrow(/models.scorer/);
  });
});

describe("sample-and-vote strategies shrink n to what the budget pays for", () => {
  /** Worst case of k scored samples: prompt once, k × max_tokens, k solutions of up to P + max_tokens for the verifier. */
  const scoredWorst = (k: number) => P + k * PARAMS.max_tokens + k * (P + PARAMS.max_tokens);

  it("weighted_best_of_n samples the most that fit, scoring included", async () => {
    for (const k of [1, 3, 5]) {
      const { ctx, rec } = setup();
      const r = await weightedBestOfN(Q, { ...PARAMS, budget: { tokens: scoredWorst(k) + 5 } }, ctx);
      expect(r.candidates).toHaveLength(k);
      expect(rec.calls[0]!.params.n).toBe(k);
      expect(r.stopped).toBe("budget");
    }
  });

  it("best_of_n and majority through runSearch: n capped, verifier FLOPs counted", async () => {
    const { ctx, scorer } = setup();
    const r = await runSearch("best_of_n", Q, { ...PARAMS, budget: { tokens: scoredWorst(2) } }, ctx);
    expect(r.candidates).toHaveLength(2);
    expect(r.cost.verifier_flops).toBeCloseTo(scorer.rec.flops, 0);
    expect(r.cost.verifier_flops).toBeGreaterThan(0);
    // Unscored majority fits more samples in the same budget.
    const m = await runSearch("majority", Q, { ...PARAMS, budget: { tokens: scoredWorst(2) } }, { ...setup().ctx, scorer: undefined });
    expect(m.candidates).toHaveLength(Math.floor((scoredWorst(2) - P) / PARAMS.max_tokens));
    expect(m.cost.verifier_tokens).toBe(0);
  });

  it("without a budget they run as before, now with the verifier's FLOPs in the cost", async () => {
    const { ctx, rec, scorer } = setup();
    const r = await runSearch("best_of_n", Q, PARAMS, ctx);
    expect(r.candidates).toHaveLength(PARAMS.n);
    expect(r.stopped).toBe("done");
    expect(r.cost.flops).toBeCloseTo(rec.flops + scorer.rec.flops, 0);
  });
});

describe("Ledger", () => {
  it("refuses to launch a call whose worst case exceeds what is left", async () => {
    const { ctx } = setup();
    const ledger = new Ledger({ tokens: P + 10 }, ctx);
    const params = { n: 1, temperature: 0, top_p: 1, seed: 1, max_tokens: 11 };
    await expect(ledger.sample(formatPrompt(Q), params)).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(ledger.sample(formatPrompt(Q), { ...params, max_tokens: 10 })).resolves.toBeDefined();
  });

  it("counts calls in flight against what is left", async () => {
    const { ctx } = setup();
    const ledger = new Ledger({ tokens: 2 * (P + 10) - 1 }, ctx);
    const params = { n: 1, temperature: 0, top_p: 1, seed: 1, max_tokens: 10 };
    const first = ledger.sample(formatPrompt(Q), params);
    await expect(ledger.sample(formatPrompt(Q), params)).rejects.toBeInstanceOf(BudgetExceededError);
    await first;
  });

  it("worst case FLOPs of a sample call: the prompt once plus n full completions", () => {
    const ledger = new Ledger({}, setup().ctx);
    expect(ledger.sampleWorst(7, 3, 5)).toEqual({ tokens: 7 + 15, flops: spanFlops(GEN, 0, 7) + 3 * spanFlops(GEN, 7, 12) });
    expect(ledger.scoreWorst("scorer", [4, 9]).flops).toBe(spanFlops(ORM, 0, 4) + spanFlops(ORM, 0, 9));
  });

  it("splits what is left into equal shares and takes back what each spent", async () => {
    const { ctx } = setup();
    const ledger = new Ledger({ tokens: 1000 }, ctx);
    const shares = ledger.split(3);
    expect(shares.map((s) => s.budget.tokens)).toEqual([333, 333, 333]);
    expect(ledger.left().tokens).toBe(1);
    await shares[0]!.sample(formatPrompt(Q), { n: 1, temperature: 0, top_p: 1, seed: 1, max_tokens: 10 });
    for (const s of shares) ledger.absorb(s);
    expect(ledger.left().tokens).toBe(1000 - amountOf(ledger.spent).tokens);
    expect(amountOf(ledger.spent).tokens).toBe(amountOf(shares[0]!.spent).tokens);
  });

  it("remainingBudget takes spending off each limited field, never below zero", () => {
    expect(remainingBudget({ tokens: 100, flops: 50 }, { tokens: 30, flops: 80 })).toEqual({ tokens: 70, flops: 0 });
    expect(remainingBudget({ tokens: 100 }, { tokens: 30, flops: 80 })).toEqual({ tokens: 70 });
  });
});
