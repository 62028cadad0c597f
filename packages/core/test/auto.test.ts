// strategy "auto": the probe's scores pick the bin, the rest of the budget the bucket; the plan runs under the cap.
import { describe, expect, it } from "vitest";
import {
  type AutoResult, BudgetTooSmallError, PolicyTable, budgetTooSmall, planSeed, runSearch,
} from "../src/index.js";
import { jobCreditBudget } from "../src/api/credits.js";
import { MODELS, scriptedSampler, scriptedScorer, scriptedStepScorer, stepWorld, worldPrm } from "./scripted.js";

const TABLE = PolicyTable.parse({
  version: "auto-test-1",
  unit: "tokens",
  probe: { n: 4, max_share: 0.25 },
  bin_thresholds: [0.5],
  default_bin: 1,
  budget_buckets: [0, 3000],
  policy: [
    [{ strategy: "greedy" }, { strategy: "majority", n: 4 }],
    [{ strategy: "majority", n: 4 }, { strategy: "beam_search", n: 4, beam_width: 2 }],
  ],
});

const params = (tokens: number) => ({ n: 8, temperature: 0.8, top_p: 1, seed: 3, max_tokens: 32, budget: { tokens } });

function world(probeScore: number) {
  const { sampler, rec } = scriptedSampler(stepWorld((c) => (c.u < 0.5 ? "right" : "wrong")));
  const scorer = scriptedScorer(() => probeScore);
  const stepScorer = scriptedStepScorer(worldPrm);
  return { ctx: { sampler, scorer, stepScorer, models: MODELS, policyTable: TABLE }, rec, scorer, stepScorer };
}

const run = async (probeScore: number, tokens: number) => {
  const w = world(probeScore);
  const result = (await runSearch("auto", "q?", params(tokens), w.ctx)) as AutoResult;
  return { ...w, result };
};

describe("auto", () => {
  it("plans the easy bin's entry when the probe scores high, the hard bin's when low", async () => {
    const easy = await run(0.9, 20_000);
    expect(easy.result.plan.why).toMatchObject({ version: "auto-test-1", bin: 0, bucket: 1 });
    expect(easy.result.plan.why.difficulty).toBeCloseTo(0.1);
    expect(easy.result.plan.strategy).toBe("majority");
    expect(easy.result.plan.probe?.n).toBe(4);
    const hard = await run(0.2, 20_000);
    expect(hard.result.plan.why.bin).toBe(1);
    expect(hard.result.plan.strategy).toBe("beam_search");
    expect(hard.result.tree?.length).toBeGreaterThan(0);
  });

  it("counts the probe against the budget and never spends more than it", async () => {
    for (const tokens of [600, 1500, 3500, 20_000]) {
      for (const score of [0.1, 0.9]) {
        const { result, rec, scorer, stepScorer } = await run(score, tokens);
        const spent = result.cost.prompt_tokens + result.cost.generated_tokens + result.cost.verifier_tokens;
        expect(spent).toBeLessThanOrEqual(tokens);
        // What the models actually read and wrote is what the result bills.
        expect(result.cost.prompt_tokens + result.cost.generated_tokens).toBe(rec.promptTokens + rec.generated);
        expect(result.cost.verifier_tokens).toBe(scorer.rec.tokens + stepScorer.rec.tokens);
        expect(result.cost.flops).toBeCloseTo(rec.flops + scorer.rec.flops + stepScorer.rec.flops, 6);
        if (result.plan.probe) expect(result.plan.params.budget.tokens).toBe(tokens - sumCost(result.plan.probe.cost));
      }
    }
  });

  it("skips the probe when the budget cannot spare it, and plans the default bin", async () => {
    const { result } = await run(0.9, 250);
    expect(result.plan.probe).toBeNull();
    expect(result.plan.why).toMatchObject({ bin: 1, bucket: 0, difficulty: null });
  });

  it("is deterministic, and the planned strategy draws new samples (not the probe's seed)", async () => {
    const a = await run(0.9, 20_000);
    const b = await run(0.9, 20_000);
    expect(b.result).toEqual(a.result);
    const seeds = a.rec.calls.map((c) => c.params.seed);
    expect(seeds[0]).toBe(3);
    expect(seeds.slice(1).every((s) => s === planSeed(3))).toBe(true);
  });

  it("runs a revisions entry on the reviser with the entry's chains, and reserves credits for it", async () => {
    const revisionsEntry = { strategy: "revisions", n: 4, chains: 2, revision_select: "majority" } as const;
    const revTable = PolicyTable.parse({ ...TABLE, version: "auto-rev", policy: [TABLE.policy[0], [{ strategy: "majority", n: 4 }, revisionsEntry]] });
    const w = world(0.2);
    const { sampler: reviser, rec } = scriptedSampler(() => "12+5=17\nAnswer: 17");
    const result = (await runSearch("auto", "q?", params(20_000), { ...w.ctx, policyTable: revTable, reviser })) as AutoResult;
    expect(result.plan.strategy).toBe("revisions");
    expect(result.plan.why.entry).toEqual(revisionsEntry);
    expect(result.plan.params).toMatchObject({ n: 4, chains: 2, revision_select: "majority" });
    expect(rec.calls.map((c) => c.params.n)).toEqual([2, 1, 1]);
    expect(result.candidates).toHaveLength(4);
    expect(result.answer).toBe("17");
    expect(PolicyTable.safeParse({ ...revTable, policy: [TABLE.policy[0], [{ strategy: "greedy" }, { ...revisionsEntry, chains: 5 }]] }).success).toBe(false);
    await expect(runSearch("auto", "q?", params(20_000), { ...world(0.2).ctx, policyTable: revTable })).rejects.toThrow(/reviser/);
  });

  it("samples at an entry's own temperature when it names one, the probe at the job's", async () => {
    const cool = { strategy: "majority", n: 4, temperature: 0.5 } as const;
    const coolTable = PolicyTable.parse({ ...TABLE, version: "auto-cool", policy: [[{ strategy: "greedy" }, cool], TABLE.policy[1]] });
    const w = world(0.9);
    const result = (await runSearch("auto", "q?", params(20_000), { ...w.ctx, policyTable: coolTable })) as AutoResult;
    expect(result.plan.why.entry).toEqual(cool);
    expect(result.plan.params.temperature).toBe(0.5);
    expect(w.rec.calls.map((c) => c.params.temperature)).toEqual([0.8, 0.5]);
    // Without one, the planned strategy keeps the job's temperature.
    const plain = await run(0.9, 20_000);
    expect(plain.rec.calls.map((c) => c.params.temperature)).toEqual([0.8, 0.8]);
    for (const bad of [0, 2.5]) {
      expect(PolicyTable.safeParse({ ...coolTable, policy: [[{ strategy: "greedy" }, { ...cool, temperature: bad }], TABLE.policy[1]] }).success).toBe(false);
    }
    expect(PolicyTable.safeParse({ ...coolTable, policy: [[{ strategy: "greedy", temperature: 0.5 }, cool], TABLE.policy[1]] }).success).toBe(false);
  });

  it("refuses a budget below one sample at submit, and reserves credits for its costliest entry", async () => {
    const tiny = await budgetTooSmall("auto", "q?", params(10), { policyTable: TABLE });
    expect(tiny).toBeInstanceOf(BudgetTooSmallError);
    expect(await budgetTooSmall("auto", "q?", params(5000), { policyTable: TABLE })).toBeNull();
    const unlimited = { ...params(1e9) };
    const credits = jobCreditBudget(unlimited, "q?", "auto", TABLE);
    expect(credits).toBeGreaterThanOrEqual(jobCreditBudget({ ...unlimited, n: 4, budget: undefined }, "q?", "beam_search"));
    expect(jobCreditBudget(params(700), "q?", "auto", TABLE)).toBe(700);
    await expect(runSearch("auto", "q?", params(5000), { ...world(0.5).ctx, policyTable: undefined })).rejects.toThrow(/policy table/);
  });
});

function sumCost(c: { prompt_tokens: number; generated_tokens: number; verifier_tokens: number }): number {
  return c.prompt_tokens + c.generated_tokens + c.verifier_tokens;
}

describe("auto with a budget in the other unit than its table's", () => {
  it("converts a tokens-only budget at one sample's FLOPs per token to pick the bucket (not the unlimited one)", async () => {
    const flopsTable = PolicyTable.parse({ ...TABLE, version: "auto-flops", unit: "flops", budget_buckets: [0, 1e12] });
    const w = world(0.2);
    const result = (await runSearch("auto", "q?", params(20_000), { ...w.ctx, policyTable: flopsTable })) as AutoResult;
    // 20,000 tokens are far below 1e12 FLOPs' worth with these tiny scripted models: bucket 0, not the last.
    expect(result.plan.why.bucket).toBe(0);
    expect(result.plan.strategy).toBe("majority");
    expect(result.plan.params.budget).toEqual({ tokens: 20_000 - sumCost(result.plan.probe!.cost) });
  });
});
