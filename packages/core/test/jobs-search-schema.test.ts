// The job-creation schema's search strategies: knobs and budgets accepted, bad ones refused, and what submit derives.
import { describe, expect, it } from "vitest";
import { jobCreditBudget } from "../src/api/credits.js";
import {
  CreateJobRequest, JobParamsSchema, STRATEGIES, budgetTooSmall, resolveJobParams, sampleWorst,
} from "../src/index.js";

const question = "Ana has 12 apples. She gets 5 more. How many apples now?";
const parse = (extra: Record<string, unknown>) => CreateJobRequest.safeParse({ question, ...extra });
const paths = (extra: Record<string, unknown>) => {
  const r = parse(extra);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};

describe("CreateJobRequest search strategies", () => {
  it("accepts every search strategy by name", () => {
    for (const strategy of STRATEGIES) {
      const budget = strategy === "auto" ? { budget: { tokens: 5000 } } : {};
      expect(parse({ strategy, ...budget }).success, strategy).toBe(true);
    }
  });

  it("asks auto for a budget and refuses an n (the policy table picks it)", () => {
    expect(parse({ strategy: "auto" }).success).toBe(false);
    expect(parse({ strategy: "auto", budget: { flops: 1e12 }, n: 8 }).success).toBe(false);
    expect(parse({ strategy: "auto", budget: { flops: 1e12 } }).success).toBe(true);
  });

  it("accepts each strategy's knobs and a budget, and resolveJobParams stores exactly those given", () => {
    const cases: Record<string, unknown>[] = [
      { strategy: "beam_search", n: 8, beam_width: 4, max_rounds: 10, step_tokens: 32 },
      { strategy: "lookahead", n: 4, beam_width: 2, lookahead: 0 },
      { strategy: "dvts", n: 16, beam_width: 4 },
      { strategy: "early_stop", n: 32, round_size: 4, alpha: 0.1, weighted: false },
      { strategy: "weighted_best_of_n", n: 4, budget: { tokens: 5000 } },
      { strategy: "best_of_n", budget: { flops: 1e12, tokens: 9000 } },
    ];
    for (const c of cases) {
      const req = CreateJobRequest.parse({ question, ...c });
      const params = resolveJobParams(req, () => 7);
      const { strategy: _, ...rest } = c;
      expect(params).toMatchObject(rest);
      expect(JobParamsSchema.parse(params)).toMatchObject(rest);
    }
    const plain = resolveJobParams(CreateJobRequest.parse({ question, strategy: "beam_search" }), () => 7);
    expect(plain).toEqual({ n: 8, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 256 });
  });

  it("keeps old requests valid and resolved as before", () => {
    const params = resolveJobParams(CreateJobRequest.parse({ question, n: 4, seed: 42 }), () => 7);
    expect(params).toEqual({ n: 4, temperature: 0.8, top_p: 1, seed: 42, max_tokens: 256 });
    expect(CreateJobRequest.parse({ question }).strategy).toBe("best_of_n");
  });

  it("refuses out-of-range knobs, knobs of another strategy, and bad budgets, naming the field", () => {
    const invalid: [Record<string, unknown>, string][] = [
      [{ strategy: "beam_search", beam_width: 0 }, "beam_width"],
      [{ strategy: "beam_search", n: 4, beam_width: 8 }, "beam_width"],
      [{ strategy: "beam_search", beam_width: 2.5 }, "beam_width"],
      [{ strategy: "lookahead", lookahead: -1 }, "lookahead"],
      [{ strategy: "lookahead", lookahead: 9 }, "lookahead"],
      [{ strategy: "dvts", max_rounds: 0 }, "max_rounds"],
      [{ strategy: "dvts", step_tokens: 10_000 }, "step_tokens"],
      [{ strategy: "early_stop", alpha: 0 }, "alpha"],
      [{ strategy: "early_stop", alpha: 1 }, "alpha"],
      [{ strategy: "early_stop", round_size: 0 }, "round_size"],
      [{ strategy: "early_stop", weighted: "yes" }, "weighted"],
      [{ strategy: "best_of_n", beam_width: 2 }, "beam_width"],
      [{ strategy: "beam_search", lookahead: 2 }, "lookahead"],
      [{ strategy: "greedy", round_size: 2 }, "round_size"],
      [{ budget: {} }, "budget"],
      [{ budget: { tokens: 0 } }, "budget.tokens"],
      [{ budget: { tokens: 1.5 } }, "budget.tokens"],
      [{ budget: { flops: -1 } }, "budget.flops"],
      [{ budget: { dollars: 3 } }, "budget"],
      [{ budget: { flops: 1e12 }, decoding: { mode: "harp" } }, "budget.flops"],
    ];
    for (const [extra, path] of invalid) expect(paths(extra), JSON.stringify(extra)).toContain(path);
  });
});

describe("budgetTooSmall", () => {
  const params = (extra: Record<string, unknown>) => resolveJobParams(CreateJobRequest.parse({ question, seed: 1, max_tokens: 64, ...extra }), () => 7);

  it("refuses a token budget below one sample (scored when the strategy scores), and passes one that fits", async () => {
    const one = sampleWorst(question, 64); // one sample and its verifier read
    const err = await budgetTooSmall("best_of_n", question, params({ budget: { tokens: one.tokens - 1 } }));
    expect(err).toMatchObject({ code: "budget_too_small", needed: { tokens: one.tokens } });
    expect(await budgetTooSmall("best_of_n", question, params({ budget: { tokens: one.tokens } }))).toBeNull();
    // greedy and majority read no verifier, so half of that is enough for them.
    expect(await budgetTooSmall("greedy", question, params({ budget: { tokens: one.tokens / 2 } }))).toBeNull();
    expect(await budgetTooSmall("majority", question, params({ budget: { tokens: one.tokens / 2 } }))).toBeNull();
  });

  it("asks the tree searches for their first scored step", async () => {
    const tiny = params({ strategy: "beam_search", budget: { tokens: 50 } });
    expect(await budgetTooSmall("beam_search", question, tiny)).toMatchObject({ code: "budget_too_small" });
    for (const strategy of ["beam_search", "lookahead", "dvts", "early_stop", "weighted_best_of_n"] as const) {
      expect(await budgetTooSmall(strategy, question, params({ strategy, budget: { tokens: 100_000 } })), strategy).toBeNull();
    }
  });

  it("checks nothing without a budget, and no FLOPs without the models' shapes", async () => {
    expect(await budgetTooSmall("beam_search", question, params({}))).toBeNull();
    expect(await budgetTooSmall("best_of_n", question, params({ budget: { flops: 1 } }))).toBeNull();
    const g = { numParameters: 1e6, numLayers: 4, hiddenSize: 192 };
    const refused = await budgetTooSmall("best_of_n", question, params({ budget: { flops: 1 } }), { models: { generator: g, scorer: g } });
    expect(refused).toMatchObject({ code: "budget_too_small" });
  });
});

describe("jobCreditBudget", () => {
  it("is unchanged for sampling strategies, bounds tree searches by their rounds, and is capped by a token budget", () => {
    const p = { n: 4, max_tokens: 64 };
    expect(jobCreditBudget(p, question)).toBe(4 * 2 * (question.length + 512 + 64));
    expect(jobCreditBudget(p, question, "early_stop")).toBe(jobCreditBudget(p, question));
    const beam = jobCreditBudget({ ...p, max_rounds: 5 }, question, "beam_search");
    expect(beam).toBeGreaterThan(5 * jobCreditBudget(p, question) / 2);
    expect(jobCreditBudget({ ...p, max_rounds: 5, lookahead: 2 }, question, "lookahead")).toBeGreaterThan(beam);
    expect(jobCreditBudget({ ...p, budget: { tokens: 1000 } }, question, "dvts")).toBe(1000);
  });
});
