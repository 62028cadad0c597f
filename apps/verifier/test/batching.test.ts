// Dynamic batching over real HTTP: concurrent requests share ONNX runs and get exactly their unbatched scores (1e-5).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoreResponse, ScoreStepsResponse } from "../src/schema.js";
import { startVerifier, type RunningVerifier } from "../src/server.js";
import { ARITH_QUESTION, ARITH_STEPS, ORM_DIR, postJson, QUESTION, SOLUTIONS, TINY_PRM_DIR, TOKEN } from "./helpers.js";

let batched: RunningVerifier;
let single: RunningVerifier;
beforeAll(async () => {
  const base = { port: 0, host: "127.0.0.1", token: TOKEN, ormDir: ORM_DIR, prmDir: TINY_PRM_DIR, threads: 1, kvCacheBytes: 0 };
  // A wide window: on a loaded 2-core machine 16 fresh connections can take longer than 25 ms to all arrive.
  batched = await startVerifier({ ...base, batching: { maxWaitMs: 100 } });
  single = await startVerifier({ ...base, batching: { enabled: false } });
});
afterAll(async () => {
  await batched?.close();
  await single?.close();
});

const requests = Array.from({ length: 16 }, (_, i) => ({
  items: [
    { question: `${QUESTION}${" ?".repeat(i % 5)}`, solution: SOLUTIONS[i % 3]! },
    ...(i % 4 === 0 ? [{ question: ARITH_QUESTION, solution: ARITH_STEPS.slice(0, 1 + (i % 4)).join("\n") }] : []),
  ],
}));

const batchStats = async (v: RunningVerifier, model: string) => {
  const text = await (await fetch(`${v.url}/metrics`)).text();
  const num = (name: string) => Number(new RegExp(`${name}\\{model="${model}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { runs: num("verifier_batch_size_count"), rows: num("verifier_batch_size_sum") };
};

describe("dynamic batching", () => {
  for (const [route, model] of [
    ["/v1/score", "orm"],
    ["/v1/score-steps", "prm"],
  ] as const) {
    it(`${route} (${model}): 16 concurrent requests coalesce, each gets its unbatched scores`, async () => {
      const before = await batchStats(batched, model);
      const together = await Promise.all(requests.map((r) => postJson(batched.url, route, { ...r, model })));
      const after = await batchStats(batched, model);
      const rows = requests.reduce((n, r) => n + r.items.length, 0);
      expect(after.rows - before.rows).toBe(rows);
      expect(after.runs - before.runs).toBeLessThan(4);

      for (const [i, res] of together.entries()) {
        expect(res.status).toBe(200);
        const got = (await res.json()) as ScoreResponse & Partial<ScoreStepsResponse>;
        const alone = (await (await postJson(single.url, route, { ...requests[i], model })).json()) as ScoreResponse & Partial<ScoreStepsResponse>;
        for (const [k, s] of got.scores.entries()) expect(Math.abs(s - alone.scores[k]!)).toBeLessThan(1e-5);
        const flat = alone.step_scores?.flat() ?? [];
        for (const [k, s] of (got.step_scores?.flat() ?? []).entries()) expect(Math.abs(s - flat[k]!)).toBeLessThan(1e-5);
      }
      const unbatched = await batchStats(single, model);
      expect(unbatched.runs).toBe(requests.length);
    });
  }
});
