// Anchored majority: the greedy answer's extra votes, ties, unparsable candidates, and how the budget splits.
import { describe, expect, it } from "vitest";
import { type Ballot, BudgetTooSmallError, anchoredMajority, defaultAnchor, formatPrompt, pickAnchored, runSearch } from "../src/index.js";
import { MODELS, chars, scriptedSampler, scriptedStepScorer } from "./scripted.js";

const Q = "Tom has 3 pens and buys 4 more. How many?";
const PARAMS = { n: 8, temperature: 0.8, top_p: 1, seed: 11, max_tokens: 20 };
const P = 1 + chars(formatPrompt(Q));

const ballots = (answers: (string | null)[]): Ballot[] => answers.map((answer, index) => ({ index, answer, score: null }));

describe("pickAnchored", () => {
  it("counts candidate 0 (the greedy one) as `anchor` votes and every other as one", () => {
    const answers = ["7", "6", "6", "6", "7", "6"];
    expect(pickAnchored(ballots(answers), 2)).toEqual({ answer: "6", chosen: 1, votes: { "7": 3, "6": 4 } });
    expect(pickAnchored(ballots(answers), 3)).toEqual({ answer: "7", chosen: 0, votes: { "7": 4, "6": 4 } });
    expect(pickAnchored(ballots(answers), 4)).toMatchObject({ answer: "7", votes: { "7": 5, "6": 4 } });
  });

  it("ties go to the earliest answer; unparsable candidates do not vote, a blank greedy one neither", () => {
    expect(pickAnchored(ballots(["5", "9", "9"]), 2)).toMatchObject({ answer: "5", chosen: 0 });
    expect(pickAnchored(ballots([null, "9", "4", "4"]), 8)).toEqual({ answer: "4", chosen: 2, votes: { "9": 1, "4": 2 } });
    expect(pickAnchored(ballots([null, null]), 1)).toEqual({ answer: null, chosen: null, votes: {} });
  });

  it("weighted: each vote is worth its score, the greedy one `anchor` times its own; unscored ones weigh nothing", () => {
    const scored: Ballot[] = [
      { index: 0, answer: "7", score: 0.5 }, { index: 1, answer: "6", score: 0.9 }, { index: 2, answer: "6", score: 0.2 },
      { index: 3, answer: "7", score: null },
    ];
    expect(pickAnchored(scored, 2, true)).toEqual({ answer: "6", chosen: 1, votes: { "7": 1, "6": 0.9 + 0.2 } });
    expect(pickAnchored(scored, 3, true)).toMatchObject({ answer: "7", chosen: 0, votes: { "7": 1.5 } });
    expect(pickAnchored(scored, 3)).toMatchObject({ answer: "7", votes: { "7": 4, "6": 2 } });
  });

  it("the default anchor is a quarter of n, at least one", () => {
    expect([1, 2, 4, 5, 16, 32].map(defaultAnchor)).toEqual([1, 1, 1, 2, 4, 8]);
  });
});

describe("anchored_majority", () => {
  /** Greedy writes 12; samples write 12 when u < share, else 7. */
  const world = (share: number) => scriptedSampler((c) => (c.params.temperature === 0 ? "3+4=12\nAnswer: 12" : c.u < share ? "Answer: 12" : "3+4=7\nAnswer: 7"));

  it("runs one greedy decode and n samples, answers by the anchored vote, and bills both calls", async () => {
    const { sampler, rec } = world(0.3);
    const r = await anchoredMajority(Q, { ...PARAMS, anchor: 2 }, { sampler, models: MODELS });
    expect(rec.calls.map((c) => [c.params.temperature, c.params.n])).toEqual([[0, 1], [0.8, 8]]);
    expect(r.candidates).toHaveLength(9);
    expect(r.candidates.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const sevens = r.candidates.filter((c) => c.answer === "7").length;
    expect(r.votes).toEqual({ "12": 2 + (8 - sevens), "7": sevens });
    expect(r.answer).toBe(2 + (8 - sevens) >= sevens ? "12" : "7");
    expect(r.cost.prompt_tokens).toBe(2 * P);
    expect(r.cost.generated_tokens).toBe(rec.generated);
    expect(r.cost.flops).toBeCloseTo(rec.flops, 0);
    expect(r.stopped).toBe("done");
    // Deterministic: the same answer and cost twice.
    const again = await anchoredMajority(Q, { ...PARAMS, anchor: 2 }, { sampler: world(0.3).sampler, models: MODELS });
    expect(again.answer).toBe(r.answer);
    expect(again.cost).toEqual(r.cost);
  });

  it("a large anchor keeps the greedy answer against a unanimous vote; a small one gives way", async () => {
    const none = await anchoredMajority(Q, { ...PARAMS, anchor: 8 }, { sampler: world(0).sampler });
    expect(none).toMatchObject({ answer: "12", chosen: 0, votes: { "12": 8, "7": 8 } });
    const one = await anchoredMajority(Q, { ...PARAMS, anchor: 1 }, { sampler: world(0).sampler });
    expect(one).toMatchObject({ answer: "7", chosen: 1 });
  });

  it("weighted: scores greedy and samples with the PRM's last step, bills the PRM, and needs one", async () => {
    const { sampler, rec } = world(0.5);
    // The PRM trusts 7 (0.9 per solution) far more than 12 (0.1): anchor 2 cannot hold 12 against a few sevens.
    const stepScorer = scriptedStepScorer((lines) => (lines.at(-1) === "Answer: 7" ? 0.9 : 0.1));
    const r = await anchoredMajority(Q, { ...PARAMS, anchor: 2, weighted: true }, { sampler, stepScorer, models: MODELS });
    const sevens = r.candidates.filter((c) => c.answer === "7").length;
    expect(sevens).toBeGreaterThan(0);
    expect(r.candidates.map((c) => c.score)).toEqual(r.candidates.map((c) => (c.answer === "7" ? 0.9 : 0.1)));
    expect(r.votes["7"]).toBeCloseTo(0.9 * sevens, 12);
    expect(r.votes["12"]).toBeCloseTo(0.1 * (2 + 8 - sevens), 12);
    expect(r.answer).toBe("7");
    expect(r.cost.verifier_tokens).toBe(stepScorer.rec.tokens);
    expect(r.cost.flops).toBeCloseTo(rec.flops + stepScorer.rec.flops, 0);
    await expect(anchoredMajority(Q, { ...PARAMS, weighted: true }, { sampler })).rejects.toThrow(/step scorer/);
  });

  it("pays the greedy decode first, then as many samples as the rest of the budget pays for", async () => {
    const greedyWorst = P + PARAMS.max_tokens;
    for (const k of [0, 1, 3]) {
      const { sampler, rec } = world(0.5);
      const budget = { tokens: greedyWorst + (k > 0 ? P + k * PARAMS.max_tokens : 0) + 3 };
      const r = await runSearch("anchored_majority", Q, { ...PARAMS, budget }, { sampler, models: MODELS });
      expect(rec.calls.map((c) => c.params.n)).toEqual(k > 0 ? [1, k] : [1]);
      expect(r.candidates).toHaveLength(1 + k);
      expect(r.stopped).toBe("budget");
      expect(r.cost.prompt_tokens + r.cost.generated_tokens).toBeLessThanOrEqual(budget.tokens);
      if (k === 0) expect(r.answer).toBe("12");
    }
    const { sampler, rec } = world(0.5);
    await expect(runSearch("anchored_majority", Q, { ...PARAMS, budget: { tokens: greedyWorst - 1 } }, { sampler })).rejects.toBeInstanceOf(
      BudgetTooSmallError,
    );
    expect(rec.calls).toHaveLength(0);
  });
});
