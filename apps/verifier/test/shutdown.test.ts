// Graceful shutdown and timeouts over real HTTP: close() finishes the batch in flight, then refuses; slow requests 503.
import { describe, expect, it } from "vitest";
import type { ScoreStepsResponse } from "../src/schema.js";
import { startVerifier } from "../src/server.js";
import { ARITH_QUESTION, ARITH_STEPS, expectProblem, ORM_DIR, postJson, TINY_PRM_DIR, TOKEN } from "./helpers.js";

const base = { port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1 };

describe("graceful shutdown", () => {
  it("answers every request already queued for a batch, then stops listening and releases the models", async () => {
    // A long batching window keeps the requests waiting in the batcher when close() is called.
    const v = await startVerifier({ ...base, batching: { maxWaitMs: 300 } });
    const items = (k: number) => [{ question: ARITH_QUESTION, solution: ARITH_STEPS.slice(0, k).join("\n") }];
    const inflight = [1, 2, 3, 4].map((k) => postJson(v.url, "/v1/score-steps", { items: items(k) }));
    await new Promise((r) => setTimeout(r, 100));
    let closed = false;
    const closing = v.close().then(() => (closed = true));
    const responses = await Promise.all(inflight);
    for (const [i, res] of responses.entries()) {
      expect(res.status).toBe(200);
      expect(((await res.json()) as ScoreStepsResponse).step_scores[0]).toHaveLength(i + 1);
    }
    await closing;
    expect(closed).toBe(true);
    expect(v.verifiers.status().ready).toBe(false);
    await expect(fetch(`${v.url}/healthz`)).rejects.toThrow();
    await expect(v.close()).resolves.toBeUndefined();
  });
});

describe("request timeout", () => {
  it("answers 503 timeout (problem+json) when scoring takes longer than the limit", async () => {
    const v = await startVerifier({ ...base, requestTimeoutMs: 50, batching: { maxWaitMs: 400 } });
    try {
      const res = await postJson(v.url, "/v1/score-steps", { items: [{ question: ARITH_QUESTION, solution: ARITH_STEPS[0] }] });
      const body = await expectProblem(res, 503, "timeout");
      expect(body.detail).toMatch(/50 ms/);
    } finally {
      await v.close();
    }
  });
});
