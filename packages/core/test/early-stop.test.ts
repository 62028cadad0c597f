// Adaptive early stopping: the Beta test, stopping on agreement, spending the whole budget on a split vote.
import { describe, expect, it } from "vitest";
import {
  type SearchParams, amountOf, betaAboveHalf, earlyStop, formatPrompt, leaderSettled, runSearch,
} from "../src/index.js";
import { MODELS, chars, scriptedSampler, scriptedScorer } from "./scripted.js";

const Q = "What is 3 + 4?";
const PARAMS: SearchParams = { n: 32, round_size: 4, temperature: 0.8, top_p: 1, seed: 3, max_tokens: 20 };
const P = 1 + chars(formatPrompt(Q));

/** P(Bin(m, 1/2) ≤ k): for integer a, b, P(Beta(a, b) > 1/2) = P(Bin(a + b − 1, 1/2) ≤ a − 1). */
function binomialCdfHalf(m: number, k: number): number {
  let sum = 0;
  let c = 1;
  for (let j = 0; j <= k; j++) {
    sum += c;
    c = (c * (m - j)) / (j + 1);
  }
  return sum / 2 ** m;
}

describe("the stopping test", () => {
  it("betaAboveHalf matches the binomial identity for integer parameters", () => {
    for (const [a, b] of [[1, 1], [5, 1], [4, 2], [3, 3], [10, 4], [2, 9], [40, 30], [65, 1]] as const) {
      expect(betaAboveHalf(a, b)).toBeCloseTo(binomialCdfHalf(a + b - 1, a - 1), 8);
    }
    expect(betaAboveHalf(3.6 + 1, 1)).toBeCloseTo(1 - 0.5 ** 4.6, 8);
  });

  it("settles a clear leader, not a close one; a lead the remaining samples cannot overturn is settled", () => {
    expect(leaderSettled({ "7": 4 }, "7", 28, 0.05)).toBe(true);
    expect(leaderSettled({ "7": 2, "8": 2 }, "7", 28, 0.05)).toBe(false);
    expect(leaderSettled({ "7": 3, "8": 1 }, "7", 28, 0.05)).toBe(false);
    expect(leaderSettled({ "7": 3, "8": 1 }, "7", 1, 0.05)).toBe(true);
    expect(leaderSettled({}, null, 28, 0.05)).toBe(false);
    // Lower confidence settles sooner.
    expect(leaderSettled({ "7": 3 }, "7", 28, 0.2)).toBe(true);
    expect(leaderSettled({ "7": 3 }, "7", 28, 0.05)).toBe(false);
  });
});

describe("early_stop", () => {
  it("stops after the first round when every sample agrees", async () => {
    const { sampler, rec } = scriptedSampler(() => "3+4=7\nAnswer: 7");
    const r = await earlyStop(Q, PARAMS, { sampler });
    expect(r.stopped).toBe("settled");
    expect(r.candidates).toHaveLength(PARAMS.round_size!);
    expect(rec.calls).toHaveLength(1);
    expect(r.answer).toBe("7");
    const full = await runSearch("majority", Q, PARAMS, { sampler: scriptedSampler(() => "3+4=7\nAnswer: 7").sampler });
    expect(r.cost.generated_tokens * 4).toBeLessThanOrEqual(full.cost.generated_tokens);
  });

  it("spends the whole budget when the vote stays split", async () => {
    for (const tokens of [100, 250, 400, 777]) {
      const { sampler } = scriptedSampler((c) => `Answer: ${c.i % 2 === 0 ? 1 : 2}`);
      const r = await earlyStop(Q, { ...PARAMS, n: 64, budget: { tokens } }, { sampler });
      expect(r.stopped).toBe("budget");
      const spent = amountOf(r.cost).tokens;
      expect(spent).toBeLessThanOrEqual(tokens);
      // Not even one more sample's worst case fits in what is left.
      expect(tokens - spent).toBeLessThan(P + PARAMS.max_tokens);
    }
  });

  it("without a budget a split vote runs to n samples", async () => {
    const { sampler } = scriptedSampler((c) => `Answer: ${c.i % 2 === 0 ? 1 : 2}`);
    const r = await earlyStop(Q, { ...PARAMS, n: 10 }, { sampler });
    expect(r.stopped).toBe("samples");
    expect(r.candidates.map((c) => c.index)).toEqual([...Array(10).keys()]);
    expect(r.votes).toEqual({ "1": 5, "2": 5 });
  });

  it("weighted: a confident verifier settles sooner than a doubtful one", async () => {
    const run = async (score: number) => {
      const { sampler } = scriptedSampler(() => "Answer: 7");
      const scorer = scriptedScorer(() => score);
      return earlyStop(Q, PARAMS, { sampler, scorer, models: MODELS });
    };
    const sure = await run(0.95);
    const doubtful = await run(0.3);
    expect(sure.stopped).toBe("settled");
    expect(doubtful.stopped).toBe("settled");
    expect(sure.candidates.length).toBeLessThan(doubtful.candidates.length);
    expect(doubtful.votes["7"]).toBeCloseTo(0.3 * doubtful.candidates.length, 10);
    expect(sure.cost.verifier_tokens).toBeGreaterThan(0);
  });

  it("weighted votes can overturn the count: two well-scored answers beat three poorly scored", async () => {
    const { sampler } = scriptedSampler((c) => (c.i < 3 ? "Answer: 1" : "Answer: 2"));
    const scorer = scriptedScorer((s) => (s.includes("2") ? 0.9 : 0.2));
    const r = await earlyStop(Q, { ...PARAMS, n: 5, round_size: 5 }, { sampler, scorer });
    expect(r.answer).toBe("2");
    const unweighted = await earlyStop(Q, { ...PARAMS, n: 5, round_size: 5, weighted: false }, { sampler, scorer });
    expect(unweighted.answer).toBe("1");
  });

  it("no parsable answer never settles; answer null", async () => {
    const { sampler } = scriptedSampler(() => "hmm");
    const r = await earlyStop(Q, { ...PARAMS, n: 8 }, { sampler });
    expect(r).toMatchObject({ answer: null, chosen: null, votes: {}, stopped: "samples" });
    expect(r.candidates).toHaveLength(8);
  });

  it("rejects a bad alpha and a weighted run without a scorer", async () => {
    const { sampler } = scriptedSampler(() => "Answer: 1");
    await expect(earlyStop(Q, { ...PARAMS, alpha: 1 }, { sampler })).rejects.toThrow(RangeError);
    await expect(earlyStop(Q, { ...PARAMS, weighted: true }, { sampler })).rejects.toThrow(/scorer/);
  });
});
