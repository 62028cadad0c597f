// POST /v1/score-steps over real HTTP: a score per step, the delimiter setting, checkers, and incremental parity.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoreStepsResponse } from "../src/schema.js";
import { startVerifier, type RunningVerifier } from "../src/server.js";
import { ARITH_QUESTION, ARITH_STEPS, ORM_DIR, postJson, QUESTION, SOLUTIONS, TINY_PRM_DIR, TOKEN } from "./helpers.js";

let v: RunningVerifier;
let noCache: RunningVerifier;
beforeAll(async () => {
  const base = { port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 };
  v = await startVerifier(base);
  noCache = await startVerifier({ ...base, kvCacheBytes: 0 });
});
afterAll(async () => {
  await v?.close();
  await noCache?.close();
});

const steps = async (base: string, body: unknown) => {
  const res = await postJson(base, "/v1/score-steps", body);
  expect(res.status).toBe(200);
  return (await res.json()) as ScoreStepsResponse;
};

describe("POST /v1/score-steps with the PRM (the default model)", () => {
  it("returns one score in [0, 1] per non-blank step, and the last-step aggregate", async () => {
    const items = SOLUTIONS.filter((s) => s.trim()).map((solution) => ({ question: QUESTION, solution }));
    const body = await steps(v.url, { items });
    expect(body).toMatchObject({ model: "prm", aggregation: "last", step_delimiter: "\n" });
    expect(body.step_scores.map((s) => s.length)).toEqual([3, 3, 1, 3, 1, 1]);
    for (const s of body.step_scores.flat()) expect(s >= 0 && s <= 1).toBe(true);
    expect(body.scores).toEqual(body.step_scores.map((s) => s.at(-1)));
  });

  it("a step's score does not depend on what follows it (prefix scores of a causal model)", async () => {
    const whole = await steps(noCache.url, { items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS.join("\n") }] });
    const first = await steps(noCache.url, { items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS[0] }] });
    expect(first.step_scores[0]![0]).toBeCloseTo(whole.step_scores[0]![0]!, 5);
  });

  it("splits at the requested delimiter", async () => {
    const body = await steps(v.url, { items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS.join(" ; ") }], step_delimiter: " ; " });
    expect(body.step_delimiter).toBe(" ; ");
    expect(body.step_scores[0]).toHaveLength(4);
    const newline = await steps(v.url, { items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS.join(" ; ") }] });
    expect(newline.step_scores[0]).toHaveLength(1);
  });

  it("grows a beam step by step running only the new tokens, with the scores of a full pass (1e-5)", async () => {
    let previousTokens = 0;
    for (let k = 1; k <= ARITH_STEPS.length; k++) {
      const items = [{ question: ARITH_QUESTION, solution: ARITH_STEPS.slice(0, k).join("\n") }];
      const inc = await steps(v.url, { items });
      const full = await steps(noCache.url, { items });
      inc.step_scores[0]!.forEach((s, i) => {
        expect(Math.abs(s - full.step_scores[0]![i]!)).toBeLessThan(1e-5);
      });
      expect(full.usage.cached_tokens).toBe(0);
      expect(full.usage.tokens_run).toBe(full.usage.tokens);
      if (k > 1) {
        expect(inc.usage.cached_tokens).toBe(previousTokens);
        expect(inc.usage.tokens_run).toBe(inc.usage.tokens - previousTokens);
      }
      previousTokens = inc.usage.tokens;
    }
    const metrics = await (await fetch(`${v.url}/metrics`)).text();
    expect(metrics).toMatch(/verifier_kv_cache_hits_total\{model="prm"\} [1-9]/);
  });
});

describe("arith-checker as a process verifier", () => {
  it("marks each step 1 or 0: a wrong result, a step off its clause, a wrong answer", async () => {
    const body = await steps(v.url, {
      model: "arith-checker",
      items: [
        { question: ARITH_QUESTION, solution: ARITH_STEPS.join("\n") },
        { question: ARITH_QUESTION, solution: "12+5=17\n17*3=52\n52-7=45\nAnswer: 45" },
        { question: ARITH_QUESTION, solution: "12+5=17\n17+3=20\nAnswer: 20" },
        { question: ARITH_QUESTION, solution: "12+5=17\n17*3=51" },
      ],
    });
    expect(body.aggregation).toBe("min");
    expect(body.step_scores).toEqual([
      [1, 1, 1, 1],
      [1, 0, 1, 0],
      [1, 0, 0],
      [1, 1],
    ]);
    expect(body.scores).toEqual([1, 0, 0, 1]);
  });
});
