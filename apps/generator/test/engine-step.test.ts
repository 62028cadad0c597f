// The in-place decode step (concat-free graph, new KV column fetched, cache kept in JS) against run()'s full
// present, on the real model.
import { join } from "node:path";
import { formatPrompt } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleRows, emptyKv, readModelDir, type KvDims } from "../src/engine/index.js";
import { ModelSession } from "../src/engine/session.js";
import { POLICY_DIR } from "./model-dir.js";

let session: ModelSession;
let dims: KvDims;
let encode: (q: string) => number[];
beforeAll(async () => {
  const files = await readModelDir(POLICY_DIR);
  const c = files.config;
  dims = { layers: c.num_hidden_layers, heads: c.num_attention_heads, headDim: c.head_dim };
  session = await ModelSession.create(join(POLICY_DIR, "model.onnx"), dims, c.vocab_size, { executionProvider: "cpu", intraOpNumThreads: 1 });
  encode = (q) => files.tokenizer.encode(formatPrompt(q));
});
afterAll(async () => {
  await session?.release();
});

const ints = (xs: number[]) => BigInt64Array.from(xs, (x) => BigInt(x));
const maxAbsDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("in-place decode step", () => {
  it("is available for the zoo's export, on the graph without the KV Concat", () => {
    expect(session.stepsInPlace).toBe(true);
    expect(session.stepGraph).toBe("concat-free");
  });

  it("gives run()'s logits and writes run()'s new KV column, with left padding and spare columns masked", async () => {
    const prompts = [encode("Ana has 12 apples. She gets 5 more. How many apples now?"), encode("Ben has 3 coins.")];
    const T = Math.max(...prompts.map((p) => p.length));
    const pads = prompts.map((p) => T - p.length);
    const ids: number[] = [];
    const mask: number[] = [];
    const pos: number[] = [];
    prompts.forEach((p, b) => {
      for (let j = 0; j < T; j++) {
        ids.push(j < pads[b]! ? 0 : p[j - pads[b]!]!);
        mask.push(j < pads[b]! ? 0 : 1);
        pos.push(Math.max(0, j - pads[b]!));
      }
    });
    const prefill = await session.run({
      batch: 2, seqLen: T, inputIds: ints(ids), attentionMask: ints(mask), positionIds: ints(pos),
      past: emptyKv(dims, 2),
    });
    const rows = [0, 1].map((row) => ({ kv: prefill.present, row }));
    let exact = prefill.present;
    const roomy = assembleRows(rows, T, dims, T + 3);
    // Four steps: three fill the spare columns, the fourth needs a copy with more room (as the scheduler does).
    let inPlace = roomy;
    for (let t = 0; t < 4; t++) {
      if (inPlace.length === inPlace.capacity) {
        inPlace = assembleRows([0, 1].map((row) => ({ kv: inPlace, row })), inPlace.length, dims, inPlace.length + 2);
      }
      const L = exact.length;
      const next = [7 + t, 9 + t];
      const position = prompts.map((p) => p.length + t);
      const fullMask = [0, 1].flatMap((b) => Array.from({ length: L + 1 }, (_, j) => (j < pads[b]! ? 0 : 1)));
      const ref = await session.run({
        batch: 2, seqLen: 1, inputIds: ints(next), attentionMask: ints(fullMask), positionIds: ints(position), past: exact,
      });
      const cap = inPlace.capacity;
      const stepMask = [0, 1].flatMap((b) =>
        Array.from({ length: cap + 1 }, (_, j) => (j === cap || (j >= pads[b]! && j < L) ? 1 : 0)),
      );
      const logits = await session.step({
        batch: 2, inputIds: ints(next), attentionMask: ints(stepMask), positionIds: ints(position), kv: inPlace,
      });
      expect(maxAbsDiff(logits, ref.logits)).toBeLessThan(1e-4);
      exact = ref.present;
      expect(inPlace.length).toBe(exact.length);
      // Every held column equals the full present's (to float rounding: the kernels see other shapes).
      const { heads, headDim } = dims;
      for (let l = 0; l < dims.layers; l++) {
        for (let r = 0; r < 2 * heads; r++) {
          const a = inPlace.keys[l]!.subarray(r * cap * headDim, (r * cap + exact.length) * headDim);
          const b = exact.keys[l]!.subarray(r * exact.length * headDim, (r + 1) * exact.length * headDim);
          expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
          const av = inPlace.values[l]!.subarray(r * cap * headDim, (r * cap + exact.length) * headDim);
          const bv = exact.values[l]!.subarray(r * exact.length * headDim, (r + 1) * exact.length * headDim);
          expect(maxAbsDiff(av, bv)).toBeLessThan(1e-5);
        }
      }
    }
  });
});
