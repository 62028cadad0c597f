// The PRM over ONNX: incremental (KV-cached) scoring equals full passes, batching never changes scores, LRU holds.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrmScorer, type StepRow } from "../src/prm-scorer.js";
import { encodeSteps } from "../src/steps.js";
import { ARITH_QUESTION, ARITH_STEPS, PRM_DIR, QUESTION, SOLUTIONS, TINY_PRM_DIR } from "./helpers.js";

let full: PrmScorer;
let cached: PrmScorer;
beforeAll(async () => {
  full = await PrmScorer.load(TINY_PRM_DIR, { threads: 1, cacheBytes: 0 });
  cached = await PrmScorer.load(TINY_PRM_DIR, { threads: 1 });
});
afterAll(async () => {
  await full?.close();
  await cached?.close();
});

const row = (scorer: PrmScorer, question: string, solution: string): StepRow => {
  const e = encodeSteps(scorer.tokenizer, question, solution);
  return { tokens: e.tokens, readAt: e.stepEnds, cuts: e.cuts };
};
const close = (a: readonly number[], b: readonly number[]) => {
  expect(a).toHaveLength(b.length);
  for (const [i, x] of a.entries()) expect(Math.abs(x - b[i]!)).toBeLessThan(1e-5);
};

describe("PrmScorer", () => {
  for (const [name, dir] of [
    ["the tiny fixture", TINY_PRM_DIR],
    ["models/prm/onnx", PRM_DIR],
  ] as const) {
    it(`reproduces torch's step scores from ${name} (parity-fixture.json), full and step by step (1e-4)`, async () => {
      const fixture = JSON.parse(readFileSync(path.join(dir, "parity-fixture.json"), "utf8")) as {
        items: Array<{ question: string; solution: string; step_scores: number[] }>;
      };
      const scorer = await PrmScorer.load(dir, { threads: 1 });
      try {
        for (const item of fixture.items) {
          const [whole] = await scorer.scoreRows([row(scorer, item.question, item.solution)]);
          const steps = item.solution.split("\n");
          const grown = [];
          for (let k = 1; k <= steps.length; k++) {
            const [r] = await scorer.scoreRows([row(scorer, item.question, steps.slice(0, k).join("\n"))]);
            grown.push(r!.scores.at(-1)!);
          }
          for (const got of [whole!.scores, grown]) {
            for (const [i, s] of got.entries()) expect(Math.abs(s - item.step_scores[i]!)).toBeLessThan(1e-4);
          }
        }
      } finally {
        await scorer.close();
      }
    });
  }

  it("agrees with the full-sequence export (model.onnx) at every step end", async () => {
    const r = row(full, QUESTION, SOLUTIONS[0]!);
    const [got] = await full.scoreRows([r]);
    const session = await ort.InferenceSession.create(path.join(TINY_PRM_DIR, "model.onnx"));
    const n = r.tokens.length;
    const out = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(r.tokens.map(BigInt)), [1, n]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]),
    });
    await session.release();
    const ref = out.scores!.data as Float32Array;
    close(got!.scores, r.readAt.map((t) => ref[t]!));
    expect(got!.tokensRun).toBe(n);
  });

  it("gives each row the same scores batched as alone (1e-5)", async () => {
    const rows = SOLUTIONS.filter((s) => s.trim()).map((s, i) => row(full, `${QUESTION}${" ?".repeat(i)}`, s));
    const batched = await full.scoreRows(rows);
    for (const [i, r] of rows.entries()) close(batched[i]!.scores, (await full.scoreRows([r]))[0]!.scores);
  });

  it("scores a growing beam incrementally: only the new tokens run, and scores equal a full pass (1e-5)", async () => {
    cached.cache.clear();
    let previous = 0;
    for (let k = 1; k <= ARITH_STEPS.length; k++) {
      const r = row(cached, ARITH_QUESTION, ARITH_STEPS.slice(0, k).join("\n"));
      const [inc] = await cached.scoreRows([r]);
      const [ref] = await full.scoreRows([r]);
      close(inc!.scores, ref!.scores);
      expect(inc!.scores).toHaveLength(k);
      if (k === 1) expect(inc!.cachedTokens).toBe(0);
      else expect(inc!.cachedTokens).toBe(previous);
      expect(inc!.tokensRun).toBe(r.tokens.length - inc!.cachedTokens);
      previous = r.tokens.length;
    }
    const again = await cached.scoreRows([row(cached, ARITH_QUESTION, ARITH_STEPS.join("\n"))]);
    expect(again[0]!.tokensRun).toBe(0);
  });

  it("mixes hits, misses and different past lengths in one call without changing any score", async () => {
    cached.cache.clear();
    const beams = SOLUTIONS.filter((s) => s.includes("\n")).map((s) => s.split("\n"));
    await cached.scoreRows(beams.map((b) => row(cached, QUESTION, b[0]!)));
    const grown = [
      ...beams.map((b) => row(cached, QUESTION, b.slice(0, 2).join("\n"))),
      row(cached, ARITH_QUESTION, ARITH_STEPS.join("\n")),
      row(cached, QUESTION, beams[0]![0]!),
    ];
    const inc = await cached.scoreRows(grown);
    const ref = await full.scoreRows(grown);
    for (const [i, r] of inc.entries()) close(r.scores, ref[i]!.scores);
    expect(inc.map((r) => r.cachedTokens > 0)).toEqual([true, true, true, false, true]);
  });

  it("reuses its past buffers from run to run: padding an earlier, longer run left behind changes no score", async () => {
    const scorer = await PrmScorer.load(TINY_PRM_DIR, { threads: 1 });
    try {
      // A long past for every row first, so the buffers hold real keys and values well past where short pasts end.
      const long = Array.from({ length: 6 }, (_, i) => [...ARITH_STEPS, ...ARITH_STEPS].slice(0, 4 + i).join("\n"));
      await scorer.scoreRows(long.map((s) => row(scorer, ARITH_QUESTION, s)));
      const longer = long.map((s) => row(scorer, ARITH_QUESTION, `${s}\n1+1=2`));
      const short = SOLUTIONS.filter((s) => s.includes("\n")).map((s) => row(scorer, QUESTION, s.split("\n")[0]!));
      await scorer.scoreRows(short);
      // One call, left padding to the longest past: the short pasts sit on what the long run wrote.
      const mixed = [...longer, ...SOLUTIONS.filter((s) => s.includes("\n")).map((s) => row(scorer, QUESTION, s))];
      const got = await scorer.scoreRows(mixed);
      expect(got.every((r) => r.cachedTokens > 0)).toBe(true);
      const ref = await full.scoreRows(mixed);
      for (const [i, r] of got.entries()) close(r.scores, ref[i]!.scores);
    } finally {
      await scorer.close();
    }
  });

  it("runs a prompt shared by several rows of one call once, billing it to the first of them", async () => {
    cached.cache.clear();
    const rows = SOLUTIONS.filter((s) => s.trim()).map((s) => row(cached, QUESTION, s));
    const inc = await cached.scoreRows(rows);
    const ref = await full.scoreRows(rows);
    for (const [i, r] of inc.entries()) close(r.scores, ref[i]!.scores);
    const prompt = rows[0]!.cuts[0]!;
    expect(inc.map((r) => r.cachedTokens)).toEqual([0, ...rows.slice(1).map(() => prompt)]);
    const run = inc.reduce((n, r) => n + r.tokensRun, 0);
    expect(run).toBe(rows.reduce((n, r) => n + r.tokens.length, 0) - (rows.length - 1) * prompt);
  });

  it("keeps the cache within its byte bound, evicting the least recently used", async () => {
    const small = await PrmScorer.load(TINY_PRM_DIR, { threads: 1, cacheBytes: 200_000 });
    try {
      for (let i = 0; i < 20; i++) await small.scoreRows([row(small, `${QUESTION} ${i}`, ARITH_STEPS.join("\n"))]);
      const stats = small.cache.stats();
      expect(stats.bytes).toBeLessThanOrEqual(200_000);
      expect(stats.entries).toBeGreaterThan(0);
      expect(stats.entries).toBeLessThan(20);
      const [last] = await small.scoreRows([row(small, `${QUESTION} 19`, ARITH_STEPS.join("\n"))]);
      expect(last!.tokensRun).toBe(0);
      const [first] = await small.scoreRows([row(small, `${QUESTION} 0`, ARITH_STEPS.join("\n"))]);
      expect(first!.cachedTokens).toBe(0);
    } finally {
      await small.close();
    }
  });

  it("reads its shape from config.json and refuses rows that do not fit", async () => {
    const config = JSON.parse(readFileSync(path.join(TINY_PRM_DIR, "config.json"), "utf8")) as { max_position_embeddings: number };
    expect(full.maxTokens).toBe(config.max_position_embeddings);
    await expect(full.scoreRows([{ tokens: [], readAt: [], cuts: [] }])).rejects.toThrow(RangeError);
    await expect(full.scoreRows([{ tokens: [1, 2], readAt: [2], cuts: [] }])).rejects.toThrow(RangeError);
  });
});
