// Sample pools at several temperatures: a strategy planned at a temperature replays the samples drawn there, each
// temperature from its own cursor, and a temperature without a pool is refused rather than served another's samples.
import { type PolicyTable, type SearchParams, formatPrompt } from "@thinktime/core";
import { describe, expect, it } from "vitest";
import { type Pool, type PoolProblem, type PoolSample, withTemperatures } from "../bench/ttc/pool.js";
import { replayContext } from "../bench/ttc/replay.js";
import { runOnPool } from "../bench/ttc/runs.js";

const QUESTION = "Ana has 12 apples. She gets 5 more. How many apples now?";

function sample(answer: number, orm: number): PoolSample {
  const text = `12+5=${answer}\nAnswer: ${answer}`;
  return {
    text, tokens: text.length, logprob: -1, finishReason: "stop", flops: 1000, answer: String(answer), correct: answer === 17,
    stepVerified: answer === 17, orm, prm: [orm, orm],
  };
}

function pool(temperature: number, answers: number[]): Pool {
  const problem: PoolProblem = {
    id: "arith-test-t", steps: 1, question: QUESTION, answer: "17", promptTokens: 60, promptFlops: 5000,
    greedy: sample(17, 0.9), samples: answers.map((a, i) => sample(a, 0.1 + i / 100)),
  };
  const meta = { split: "test" as const, perStep: 1, steps: [1], k: answers.length, seed: 1, temperature, maxTokens: 32, models: {} };
  return { meta, problems: [problem] };
}

// At 0.8 the samples mostly say 18; at 0.5 mostly 17.
const hot = pool(0.8, [18, 18, 17, 18, 18, 19, 18, 18]);
const cool = pool(0.5, [17, 17, 18, 17, 17, 17, 16, 17]);
const merged = withTemperatures(hot, [cool]);
const base: SearchParams = { n: 4, temperature: 0.8, top_p: 1, seed: 1, max_tokens: 32 };

describe("pools at several temperatures", () => {
  it("serves each temperature's samples from its own cursor, greedy at 0, and refuses a temperature it lacks", async () => {
    const ctx = replayContext(merged.problems[0]!, {});
    const answers = async (n: number, temperature: number) =>
      (await ctx.sampler.sample(formatPrompt(QUESTION), { ...base, n, temperature })).completions.map((c) => c.text.split("=")[1]!.split("\n")[0]);
    expect(await answers(2, 0.8)).toEqual(["18", "18"]);
    expect(await answers(3, 0.5)).toEqual(["17", "17", "18"]);
    expect(await answers(2, 0.8)).toEqual(["17", "18"]);
    expect(await answers(1, 0)).toEqual(["17"]);
    await expect(answers(1, 0.3)).rejects.toThrow(/no pool samples at temperature 0.3/);
    // Both pools' samples are scored.
    const scored = await ctx.scorer!.score([{ question: QUESTION, solution: cool.problems[0]!.samples[6]!.text }]);
    expect(scored.scores).toEqual([cool.problems[0]!.samples[6]!.orm]);
  });

  it("runs majority at the temperature its params name, from that pool", async () => {
    const [atHot] = await runOnPool(merged.problems, "majority", { ...base, n: 8 }, {});
    const [atCool] = await runOnPool(merged.problems, "majority", { ...base, n: 8, temperature: 0.5 }, {});
    expect(atHot!.result!.answer).toBe("18");
    expect(atCool!.result!.answer).toBe("17");
    expect(atCool!.correct).toBe(true);
  });

  it("lets auto probe at the job's temperature and sample its plan at the entry's", async () => {
    const table: PolicyTable = {
      version: "t-test", unit: "tokens", probe: { n: 2, max_share: 0.5 }, bin_thresholds: [0.5], default_bin: 0, budget_buckets: [0],
      policy: [[{ strategy: "majority", n: 4, temperature: 0.5 }], [{ strategy: "majority", n: 4 }]],
    };
    const [out] = await runOnPool(merged.problems, "auto", { ...base, budget: { tokens: 100_000 } }, { policyTable: table });
    const plan = (out!.result as unknown as { plan: { why: { entry: unknown }; probe: { answers: string[] } } }).plan;
    // The probe: 2 samples at 0.8 with ORM scores 0.10 and 0.11, difficulty 0.895 → bin 1.
    expect(plan.probe.answers).toEqual(["18", "18"]);
    expect(plan.why.entry).toEqual({ strategy: "majority", n: 4 });
    const swapped: PolicyTable = { ...table, policy: [table.policy[1]!, table.policy[0]!] };
    const [cooled] = await runOnPool(merged.problems, "auto", { ...base, budget: { tokens: 100_000 } }, { policyTable: swapped });
    const cooledPlan = (cooled!.result as unknown as { plan: { why: { entry: unknown } } }).plan;
    expect(cooledPlan.why.entry).toEqual({ strategy: "majority", n: 4, temperature: 0.5 });
    // The plan's 4 samples are the 0.5 pool's first four (17, 17, 18, 17), not the 0.8 pool's next ones.
    expect(cooled!.result!.answer).toBe("17");
    expect(cooled!.result!.candidates.map((c) => c.answer)).toEqual(["17", "17", "18", "17"]);
  });
});
