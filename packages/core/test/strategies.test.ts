// Strategy selection rules against a scripted Sampler and Scorer: ties, unparsable answers, empty candidates, costs.
import { describe, expect, it } from "vitest";
import {
  bestOfN, greedy, majority, runSearch, spanFlops, tokenFlops,
  type SampleParams, type Sampler, type Scorer, type StrategyParams,
} from "../src/index.js";

const PARAMS: StrategyParams = { n: 4, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64 };

/** Returns the scripted texts (one completion each) and records the calls it got. */
function scriptedSampler(texts: string[]) {
  const calls: { prompt: string; params: SampleParams }[] = [];
  const sampler: Sampler = {
    async sample(prompt, params) {
      calls.push({ prompt, params });
      return {
        promptTokens: 10,
        promptFlops: 1000,
        completions: texts.slice(0, params.n).map((text) => ({
          text, tokens: text.length + 1, logprob: -1, finishReason: "stop" as const, flops: 100,
        })),
      };
    },
  };
  return { sampler, calls };
}

function scriptedScorer(scores: number[], tokens = 50): Scorer & { items: number } {
  const s = {
    items: 0,
    async score(items: { question: string; solution: string }[]) {
      s.items += items.length;
      return { scores: scores.slice(0, items.length), tokens };
    },
  };
  return s;
}

describe("greedy", () => {
  it("samples once at temperature 0 and answers with that sample", async () => {
    const { sampler, calls } = scriptedSampler(["2+3=5\nAnswer: 5"]);
    const r = await greedy("q?", PARAMS, { sampler });
    expect(calls[0]?.params).toMatchObject({ n: 1, temperature: 0, top_p: 1 });
    expect(calls[0]?.prompt).toBe("q?\n");
    expect(r).toMatchObject({ answer: "5", chosen: 0, votes: { "5": 1 } });
    expect(r.cost).toEqual({ prompt_tokens: 10, generated_tokens: 16, verifier_tokens: 0, flops: 1100 });
  });

  it("answers null when the sample holds no answer", async () => {
    const { sampler } = scriptedSampler([""]);
    const r = await greedy("q?", PARAMS, { sampler });
    expect(r.answer).toBeNull();
    expect(r.chosen).toBe(0);
    expect(r.votes).toEqual({});
  });
});

describe("best_of_n", () => {
  it("chooses the highest verifier score and bills prompt once plus every sample", async () => {
    const { sampler } = scriptedSampler(["Answer: 1", "Answer: 2", "Answer: 3", "Answer: 2"]);
    const scorer = scriptedScorer([0.1, 0.9, 0.3, 0.2], 77);
    const r = await bestOfN("q?", PARAMS, { sampler, scorer });
    expect(r.chosen).toBe(1);
    expect(r.answer).toBe("2");
    expect(r.candidates.map((c) => c.score)).toEqual([0.1, 0.9, 0.3, 0.2]);
    expect(r.votes).toEqual({ "1": 0.1, "2": 0.9, "3": 0.3 });
    expect(r.cost).toEqual({ prompt_tokens: 10, generated_tokens: 4 * 10, verifier_tokens: 77, flops: 1000 + 4 * 100 });
  });

  it("breaks ties toward the lowest index", async () => {
    const { sampler } = scriptedSampler(["Answer: 1", "Answer: 2", "Answer: 3", "Answer: 4"]);
    const r = await bestOfN("q?", PARAMS, { sampler, scorer: scriptedScorer([0.2, 0.7, 0.7, 0.7]) });
    expect(r.chosen).toBe(1);
    expect(r.answer).toBe("2");
  });

  it("prefers a parsable answer over a higher-scored unparsable one", async () => {
    const { sampler } = scriptedSampler(["no idea", "Answer: 4", "", "Answer: 5"]);
    const r = await bestOfN("q?", PARAMS, { sampler, scorer: scriptedScorer([0.99, 0.3, 0.8, 0.4]) });
    expect(r.chosen).toBe(3);
    expect(r.answer).toBe("5");
  });

  it("answers null when every candidate is empty", async () => {
    const { sampler } = scriptedSampler(["", "", "", ""]);
    const r = await bestOfN("q?", PARAMS, { sampler, scorer: scriptedScorer([0.1, 0.5, 0.2, 0.5]) });
    expect(r.answer).toBeNull();
    expect(r.chosen).toBe(1);
    expect(r.votes).toEqual({});
    expect(r.candidates.every((c) => c.answer === null)).toBe(true);
  });

  it("requires a scorer", async () => {
    const { sampler } = scriptedSampler(["Answer: 1"]);
    await expect(bestOfN("q?", PARAMS, { sampler })).rejects.toThrow(/scorer/);
  });

  it("rejects a scorer that returns the wrong number of scores", async () => {
    const { sampler } = scriptedSampler(["Answer: 1", "Answer: 2", "Answer: 3", "Answer: 4"]);
    await expect(bestOfN("q?", PARAMS, { sampler, scorer: scriptedScorer([0.5]) })).rejects.toThrow(/1 scores for 4/);
  });
});

describe("majority", () => {
  it("picks the most frequent normalized answer; unparsable candidates do not vote", async () => {
    const { sampler } = scriptedSampler(["Answer: 1,000", "garbage", "Answer: 7", "x=1000.0\nAnswer: 1000"]);
    const r = await majority("q?", PARAMS, { sampler });
    expect(r.answer).toBe("1000");
    expect(r.chosen).toBe(0);
    expect(r.votes).toEqual({ "1000": 2, "7": 1 });
    expect(r.candidates[1]?.answer).toBeNull();
    expect(r.cost.verifier_tokens).toBe(0);
  });

  it("breaks vote ties by first occurrence when nothing was scored", async () => {
    const { sampler } = scriptedSampler(["Answer: 3", "Answer: 9", "Answer: 9", "Answer: 3"]);
    const r = await majority("q?", PARAMS, { sampler });
    expect(r.answer).toBe("3");
    expect(r.chosen).toBe(0);
  });

  it("breaks vote ties by total verifier score when scored, choosing the best-scored candidate", async () => {
    const { sampler } = scriptedSampler(["Answer: 3", "Answer: 9", "Answer: 9", "Answer: 3"]);
    const scorer = scriptedScorer([0.5, 0.3, 0.6, 0.1], 12);
    const r = await majority("q?", PARAMS, { sampler, scorer });
    expect(r.answer).toBe("9");
    expect(r.chosen).toBe(2);
    expect(r.cost.verifier_tokens).toBe(12);
  });

  it("answers null with no chosen candidate when no candidate is parsable", async () => {
    const { sampler } = scriptedSampler(["", "hmm", "", "Answer:"]);
    const r = await majority("q?", PARAMS, { sampler });
    expect(r).toMatchObject({ answer: null, chosen: null, votes: {} });
    expect(r.candidates).toHaveLength(4);
  });
});

describe("runSearch", () => {
  it("dispatches by job strategy name", async () => {
    const { sampler } = scriptedSampler(["Answer: 1", "Answer: 1", "Answer: 2", "Answer: 2"]);
    const r = await runSearch("majority", "q?", PARAMS, { sampler });
    expect(r.answer).toBe("1");
  });

  it("rejects n < 1", async () => {
    const { sampler } = scriptedSampler(["Answer: 1"]);
    await expect(runSearch("majority", "q?", { ...PARAMS, n: 0 }, { sampler })).rejects.toThrow(RangeError);
  });
});

describe("flops", () => {
  const m = { numParameters: 1000, numLayers: 2, hiddenSize: 8 };
  it("per token is 2N + 2·L·ctx·d", () => {
    expect(tokenFlops(m, 5)).toBe(2 * 1000 + 2 * 2 * 5 * 8);
  });
  it("a span is the sum of its tokens, each attending to its position + 1", () => {
    let sum = 0;
    for (let t = 3; t < 9; t++) sum += tokenFlops(m, t + 1);
    expect(spanFlops(m, 3, 9)).toBe(sum);
    expect(spanFlops(m, 4, 4)).toBe(0);
  });
});
