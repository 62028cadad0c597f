// The step-scorer client over real loopback HTTP: the /v1/score-steps contract, retries, and a clear error when down.
import { describe, expect, it } from "vitest";
import { StepScorerClient } from "../src/step-scorer-client.js";
import { VerifierError } from "../src/verifier-client.js";
import { deadUrl, pairTokens, startStandIn, stepScores } from "./verifier-stand-in.js";

const items = [
  { question: "Ana has 2 apples. She gets 3 more.", steps: ["2+3=5", "Answer: 5"] },
  { question: "Ana has 2 apples. She gets 3 more.", steps: ["2+3="] },
];
const solutions = items.map((i) => i.steps.join("\n"));
const fast = { baseDelayMs: 10, maxDelayMs: 40 };

describe("StepScorerClient", () => {
  it("posts the steps as newline-joined solutions with the bearer token and returns per-step scores and tokens", async () => {
    const v = await startStandIn();
    try {
      const res = await new StepScorerClient({ url: v.url, token: v.token, model: "prm" }).scoreSteps(items);
      expect(res.scores).toEqual(solutions.map(stepScores));
      expect(res.scores.map((s) => s.length)).toEqual([2, 1]);
      expect(res.tokens).toBe(items.reduce((n, it, i) => n + pairTokens(it.question, solutions[i]!), 0));
      expect(v.items).toEqual(items.map((it, i) => ({ question: it.question, solution: solutions[i] })));
      expect(v.paths).toEqual({ "/v1/score-steps": 1 });
    } finally {
      await v.close();
    }
  });

  it("retries a 503 and then succeeds, splitting large batches", async () => {
    const v = await startStandIn();
    v.modes = ["503"];
    try {
      const many = Array.from({ length: 3 }, () => items[0]!);
      const res = await new StepScorerClient({ url: v.url, token: v.token, ...fast, maxItemsPerRequest: 2 }).scoreSteps(many);
      expect(v.calls).toBe(3); // 503, then two chunks
      expect(res.scores).toHaveLength(3);
    } finally {
      await v.close();
    }
  });

  it("fails with verifier_unavailable naming the endpoint when nothing listens, and bad_response on a malformed body", async () => {
    const url = await deadUrl();
    const err = await new StepScorerClient({ url, token: "t", ...fast, maxAttempts: 3 }).scoreSteps(items).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerifierError);
    expect(err).toMatchObject({ code: "verifier_unavailable", details: { attempts: 3 } });
    expect((err as Error).message).toContain(`${url}/v1/score-steps unavailable after 3 attempt(s)`);
    expect((err as Error).message).toMatch(/ECONNREFUSED|network error/);

    const v = await startStandIn();
    v.modes = ["garbage"];
    try {
      await expect(new StepScorerClient({ url: v.url, token: v.token, ...fast }).scoreSteps(items)).rejects.toMatchObject({
        code: "verifier_bad_response",
      });
    } finally {
      await v.close();
    }
  });
});
