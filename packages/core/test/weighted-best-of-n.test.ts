// Best-of-N weighted: scores summed over equivalent answers, ties, unparsable and empty candidates.
import { describe, expect, it } from "vitest";
import { type StrategyCandidate, pickWeighted, weightedBestOfN } from "../src/index.js";
import { MODELS, scriptedSampler, scriptedStepScorer } from "./scripted.js";

const PARAMS = { n: 4, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64 };

function cands(rows: [string | null, number | null][]): StrategyCandidate[] {
  return rows.map(([answer, score], index) => ({
    index, answer, score, text: answer === null ? "" : `Answer: ${answer}`, tokens: 1, logprob: 0, finishReason: "stop", flops: 0,
  }));
}

describe("pickWeighted", () => {
  it("sums scores per answer: two middling votes beat one strong one", () => {
    const r = pickWeighted(cands([["7", 0.7], ["5", 0.4], ["5", 0.45]]));
    expect(r.answer).toBe("5");
    expect(r.chosen).toBe(2);
    expect(r.votes["5"]).toBeCloseTo(0.85, 12);
    expect(r.votes["7"]).toBe(0.7);
  });

  it("equal totals go to the better single score, then to the first answer", () => {
    expect(pickWeighted(cands([["3", 0.5], ["3", 0.25], ["4", 0.75]])).answer).toBe("4");
    const tie = pickWeighted(cands([["9", 0.5], ["2", 0.5], ["2", 0.5], ["9", 0.5]]));
    expect(tie).toMatchObject({ answer: "9", chosen: 0 });
  });

  it("unparsable candidates do not vote and unscored ones weigh nothing", () => {
    const r = pickWeighted(cands([[null, 0.99], ["1", null], ["2", 0.1]]));
    expect(r.answer).toBe("2");
    expect(r.votes).toEqual({ "1": 0, "2": 0.1 });
  });

  it("no parsable answer: answer null, the best-scored candidate chosen; nothing at all: none chosen", () => {
    expect(pickWeighted(cands([[null, 0.2], [null, 0.6], [null, 0.1]]))).toEqual({ answer: null, chosen: 1, votes: {} });
    expect(pickWeighted(cands([[null, null], [null, null]]))).toEqual({ answer: null, chosen: 0, votes: {} });
    expect(pickWeighted([])).toEqual({ answer: null, chosen: null, votes: {} });
  });
});

describe("weighted_best_of_n", () => {
  it("groups equivalent answers (1,000 = 1000.0) by the PRM's last-step score and bills generator and verifier", async () => {
    const texts = ["Answer: 1,000", "Answer: 7", "x\nAnswer: 1000.0", "y\nAnswer: 7"];
    const { sampler, rec } = scriptedSampler((c) => texts[c.i]!);
    // Last-step scores 0.4, 0.6, 0.4, 0.1; the first step of a two-step solution scores 0.99 (it must not count).
    const last: Record<string, number> = { "Answer: 1,000": 0.4, "Answer: 7": 0.6, "Answer: 1000.0": 0.4 };
    const scorer = scriptedStepScorer((lines, j) => (j < lines.length - 1 ? 0.99 : lines[0] === "y" ? 0.1 : last[lines[j]!]!));
    const r = await weightedBestOfN("q?", PARAMS, { sampler, stepScorer: scorer, models: MODELS });
    expect(r.answer).toBe("1000");
    expect(r.chosen).toBe(0);
    expect(r.votes["1000"]).toBeCloseTo(0.8, 12);
    expect(r.votes["7"]).toBeCloseTo(0.7, 12);
    expect(r.candidates.every((c) => c.finished)).toBe(true);
    expect(r.stopped).toBe("done");
    expect(r.cost.generated_tokens).toBe(rec.generated);
    expect(r.cost.verifier_tokens).toBe(scorer.rec.tokens);
    expect(r.cost.flops).toBeCloseTo(rec.flops + scorer.rec.flops, 0);
  });

  it("all candidates empty: answer null", async () => {
    const { sampler } = scriptedSampler(() => "");
    const scorer = scriptedStepScorer(() => 0.5);
    const r = await weightedBestOfN("q?", PARAMS, { sampler, stepScorer: scorer });
    expect(r).toMatchObject({ answer: null, chosen: 0, votes: {} });
    expect(scorer.rec.calls).toBe(0); // blank candidates are not sent to the verifier
  });

  it("needs a step scorer", async () => {
    const { sampler } = scriptedSampler(() => "Answer: 1");
    await expect(weightedBestOfN("q?", PARAMS, { sampler })).rejects.toThrow(/step scorer/);
  });
});
