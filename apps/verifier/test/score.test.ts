// POST /v1/score over real HTTP: the ORM, the PRM folded by each aggregation, and the exact checkers as verifiers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoreResponse, ScoreStepsResponse } from "../src/schema.js";
import { startVerifier, type RunningVerifier } from "../src/server.js";
import { ARITH_QUESTION, ARITH_STEPS, ORM_DIR, postJson, QUESTION, SOLUTIONS, TINY_PRM_DIR, TOKEN } from "./helpers.js";

let v: RunningVerifier;
beforeAll(async () => {
  v = await startVerifier({ port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 });
});
afterAll(async () => {
  await v?.close();
});

const score = async (body: unknown) => {
  const res = await postJson(v.url, "/v1/score", body);
  expect(res.status).toBe(200);
  return (await res.json()) as ScoreResponse;
};

describe("POST /v1/score with the ORM (the default model)", () => {
  it("scores every item in [0, 1], deterministically, and counts tokens", async () => {
    const items = SOLUTIONS.map((solution) => ({ question: QUESTION, solution }));
    const body = await score({ items, model: "orm" });
    expect(body.model).toBe("orm");
    expect(body.scores).toHaveLength(items.length);
    for (const s of body.scores) expect(s >= 0 && s <= 1).toBe(true);
    expect(body.exact).toBeUndefined();
    const tokens = items.reduce((n, it) => n + 1 + it.question.length + 1 + [...it.solution].length, 0);
    expect(body.usage).toEqual({ tokens, tokens_run: tokens, cached_tokens: 0 });
    expect((await score({ items })).scores).toEqual(body.scores);
  });

  it("checks reference answers exactly, null for items without one", async () => {
    const body = await score({
      items: [
        { question: QUESTION, solution: SOLUTIONS[0], reference_answer: "36" },
        { question: QUESTION, solution: SOLUTIONS[1], reference_answer: "36" },
        { question: QUESTION, solution: SOLUTIONS[0] },
        { question: QUESTION, solution: "no idea", reference_answer: "36" },
        { question: QUESTION, solution: "Answer: 1,000", reference_answer: "1000.0" },
      ],
    });
    expect(body.exact).toEqual([
      { answer: "36", correct: true },
      { answer: "35", correct: false },
      null,
      { answer: null, correct: false },
      { answer: "1,000", correct: true },
    ]);
  });

  it("accepts the largest batch (256 items) and a sequence of exactly max tokens", async () => {
    const items = Array.from({ length: 256 }, (_, i) => ({ question: "Q", solution: i === 0 ? "1".repeat(384 - 3) : `Answer: ${i}` }));
    expect((await score({ items })).scores).toHaveLength(256);
  });
});

describe("POST /v1/score with a process model folds its step scores", () => {
  const solution = ARITH_STEPS.join("\n");
  it("equals the aggregation of /v1/score-steps for last, min, prod and mean (last by default)", async () => {
    const items = [{ question: ARITH_QUESTION, solution }, { question: QUESTION, solution: SOLUTIONS[1]! }];
    const steps = (await (await postJson(v.url, "/v1/score-steps", { items, model: "prm" })).json()) as ScoreStepsResponse;
    const fold = {
      last: (s: number[]) => s.at(-1)!,
      min: (s: number[]) => Math.min(...s),
      prod: (s: number[]) => s.reduce((p, x) => p * x, 1),
      mean: (s: number[]) => s.reduce((a, x) => a + x, 0) / s.length,
    };
    expect((await score({ items, model: "prm" })).aggregation).toBe("last");
    for (const [how, f] of Object.entries(fold)) {
      const body = await score({ items, model: "prm", aggregation: how });
      expect(body.aggregation).toBe(how);
      body.scores.forEach((s, i) => {
        expect(s).toBeCloseTo(f(steps.step_scores[i]!), 6);
      });
    }
  });

  it("arith-checker scores 1 only for a solution whose every step and answer check (min by default)", async () => {
    const body = await score({
      model: "arith-checker",
      items: [
        { question: ARITH_QUESTION, solution },
        { question: ARITH_QUESTION, solution: solution.replace("17*3=51", "17*3=52") },
        { question: ARITH_QUESTION, solution: solution.replace("Answer: 44", "Answer: 45") },
      ],
    });
    expect(body).toMatchObject({ model: "arith-checker", aggregation: "min", scores: [1, 0, 0] });
    expect(body.usage).toEqual({ tokens: 0, tokens_run: 0, cached_tokens: 0 });
  });
});

describe("reference-match", () => {
  it("scores 1 when the extracted answer equals the reference, else 0", async () => {
    const body = await score({
      model: "reference-match",
      items: [
        { question: QUESTION, solution: "Answer: 36", reference_answer: "36" },
        { question: QUESTION, solution: "Answer: 35", reference_answer: "36" },
        { question: QUESTION, solution: "so 1,000 in all", reference_answer: "1000" },
      ],
    });
    expect(body.scores).toEqual([1, 0, 1]);
    expect(body.exact).toHaveLength(3);
  });
});
