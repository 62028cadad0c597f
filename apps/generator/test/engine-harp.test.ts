// HARP in the batched engine, checked against a by-hand recomputation with the real model and model_embeds.onnx.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatPrompt, mulberry32, spanFlops } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Engine, InvalidRequest, deriveSeed, dropoutEmbeddings, entropyBits, harpRand, mixLogits, sampleToken,
  type GenerateRequest, type HarpParams, type SampleOutput, type SamplingParams,
} from "../src/engine/index.js";
import { POLICY_DIR } from "./model-dir.js";

let engine: Engine;
let table: Float32Array;
beforeAll(async () => {
  engine = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1 });
  ({ table } = await engine.loadHarp());
});
afterAll(async () => {
  await engine?.close();
});

const V = () => engine.config.vocab_size;
const C = () => engine.config.hidden_size;
const encode = (q: string) => engine.tokenizer.encode(formatPrompt(q));
const params = (p: Partial<SamplingParams> = {}): SamplingParams => ({
  temperature: 1, top_p: 1, seed: 1, max_tokens: 8, n: 1, ...p,
});
const harpReq = (prompt: number[], p: Partial<SamplingParams>, harp: HarpParams = {}): GenerateRequest => ({
  prompt, params: params(p), mode: "harp", harp, entropy: true,
});
const lastRow = (logits: Float32Array, T: number, b = 0) => logits.slice((b * T + T - 1) * V(), (b * T + T) * V());

/**
 * Replays sample `index` of `req` step by step without the engine's batching or cache: raw logits from a full
 * forward, the dropout mask from the sample's HARP stream, reframed logits from model_embeds.onnx, the mix, and
 * the draw from the sample's own stream. Checks every token, entropy, the reframe count and the FLOPs.
 */
async function replay(req: GenerateRequest, index: number, s: SampleOutput) {
  const h = { theta: 1, delta: 0.2, beta: 0.5, variant: "faithful", window: 8, ...req.harp };
  const maskRand = harpRand(req.params.seed, index);
  const drawRand = mulberry32(deriveSeed(req.params.seed, index));
  const P = req.prompt.length;
  let reframeFlops = 0;
  let reframes = 0;
  for (let j = 0; j < s.tokens.length; j++) {
    const seq = [...req.prompt, ...s.tokens.slice(0, j)];
    const L = seq.length;
    const raw = lastRow((await engine.forward({ inputIds: [seq] })).logits, L);
    const H = entropyBits(raw, 0, V());
    expect(Math.abs(s.entropy![j]! - H)).toBeLessThan(1e-3);
    let dist: Float32Array = raw;
    if (H > h.theta) {
      const w = h.variant === "faithful" ? L : Math.min(h.window, L);
      const kept = L - w;
      const past = kept > 0 ? (await engine.forward({ inputIds: [seq.slice(0, kept)] })).present : undefined;
      const embeds = dropoutEmbeddings(table, C(), seq.slice(kept), h.delta, maskRand);
      const ref = await engine.forwardEmbeds({ inputsEmbeds: embeds, batch: 1, seqLen: w, ...(past ? { past } : {}) });
      dist = mixLogits(raw, 0, lastRow(ref.logits, w), 0, V(), h.beta);
      reframeFlops += spanFlops(engine.flopsModel, kept, L);
      reframes++;
    }
    expect(s.tokens[j]).toBe(sampleToken(dist, 0, V(), req.params, drawRand));
  }
  expect(s.reframes).toBe(reframes);
  expect(s.flops).toBe(spanFlops(engine.flopsModel, P, P + s.tokens.length) + reframeFlops);
}

describe("HARP arithmetic", () => {
  it("entropy is in bits over the raw distribution", () => {
    expect(entropyBits(new Float32Array([0, 0, 0, 0]), 0, 4)).toBeCloseTo(2, 10);
    // p = (1/4, 3/4): H = −(¼·log2 ¼ + ¾·log2 ¾) ≈ 0.811278
    expect(entropyBits(new Float32Array([9, 0, Math.log(3)]), 1, 2)).toBeCloseTo(0.8112781, 6);
    expect(entropyBits(new Float32Array([0, -1e4]), 0, 2)).toBeCloseTo(0, 10);
  });

  it("dropout zeroes whole elements with probability δ, draws one uniform per element, never rescales", () => {
    const hidden = 3;
    const tbl = Float32Array.from({ length: 4 * hidden }, (_, i) => i + 1);
    const draws = [0.1, 0.9, 0.5, 0.49, 0.51, 0.0];
    let k = 0;
    const out = dropoutEmbeddings(tbl, hidden, [2, 0], 0.5, () => draws[k++]!);
    expect(k).toBe(6);
    expect(Array.from(out)).toEqual([0, 8, 9, 0, 2, 0]);
    const big = dropoutEmbeddings(new Float32Array(100 * 192).fill(1), 192, Array.from({ length: 100 }, (_, i) => i), 0.2, harpRand(7, 0));
    const zeros = big.filter((x) => x === 0).length / big.length;
    expect(zeros).toBeGreaterThan(0.18);
    expect(zeros).toBeLessThan(0.22);
    expect(new Set(big)).toEqual(new Set([0, 1]));
  });

  it("mixes raw logits β·original + (1−β)·reframed", () => {
    const mixed = mixLogits(new Float32Array([9, 1, 2]), 1, new Float32Array([4, 6]), 0, 2, 0.25);
    expect(Array.from(mixed)).toEqual([0.25 * 1 + 0.75 * 4, 0.25 * 2 + 0.75 * 6]);
  });
});

describe("HARP generation", () => {
  it("faithful mode matches a by-hand recomputation (θ = 0: every step reframed), sampled and greedy", async () => {
    const prompt = encode("Ben has 3 coins. He finds 4 more.");
    const sampled = harpReq(prompt, { n: 2, seed: 4, max_tokens: 6 }, { theta: 0 });
    const greedy = harpReq(prompt, { n: 1, seed: 4, max_tokens: 6, temperature: 0 }, { theta: 0 });
    const [a, b] = await engine.generate([sampled, greedy]);
    for (const [i, s] of a!.samples.entries()) {
      expect(s.reframes).toBe(s.tokens.length);
      await replay(sampled, i, s);
    }
    await replay(greedy, 0, b!.samples[0]!);
  });

  it("cached mode matches a by-hand recomputation on the truncated KV", async () => {
    const prompt = encode("Cal has 40 cards. He loses 7.");
    const req = harpReq(prompt, { n: 2, seed: 8, max_tokens: 6 }, { theta: 0, variant: "cached", window: 4 });
    const [res] = await engine.generate([req]);
    for (const [i, s] of res!.samples.entries()) await replay(req, i, s);
  });

  it("the default θ = 1 bit reframes only hesitant steps, and the replay agrees", async () => {
    const prompt = encode("Ana has 12 apples. She gets 5 more.");
    const req = harpReq(prompt, { n: 2, seed: 2, max_tokens: 10 });
    const [res] = await engine.generate([req]);
    for (const [i, s] of res!.samples.entries()) {
      expect(s.reframes).toBe(s.entropy!.filter((h) => h > 1).length);
      await replay(req, i, s);
    }
  });

  it("θ = +∞ reproduces vanilla exactly", async () => {
    const prompt = encode("Dee has 5 stamps. She gets 9 more.");
    const p = { n: 3, seed: 17, max_tokens: 24 };
    // One after the other, so both see bit-identical batches and the comparison can be exact.
    const [harp] = await engine.generate([harpReq(prompt, p, { theta: Number.POSITIVE_INFINITY })]);
    const [vanilla] = await engine.generate([{ prompt, params: params(p) }]);
    expect(harp!.samples.map((s) => s.reframes)).toEqual([0, 0, 0]);
    expect(harp!.samples.map((s) => s.tokens)).toEqual(vanilla!.samples.map((s) => s.tokens));
    expect(harp!.samples.map((s) => s.flops)).toEqual(vanilla!.samples.map((s) => s.flops));
    expect(harp!.samples.map((s) => s.logprobs)).toEqual(vanilla!.samples.map((s) => s.logprobs));
    expect(vanilla!.samples[0]!.entropy).toBeUndefined();
    // Vanilla reports the same raw entropies when asked.
    const [withEntropy] = await engine.generate([{ prompt, params: params(p), entropy: true }]);
    expect(withEntropy!.samples.map((s) => s.entropy)).toEqual(harp!.samples.map((s) => s.entropy));
    expect(withEntropy!.samples.map((s) => s.tokens)).toEqual(vanilla!.samples.map((s) => s.tokens));
  });

  it("is deterministic per seed and independent of what shares the batch", async () => {
    const reqs = [
      harpReq(encode("Eli has 31 coins. He gives away 4."), { n: 2, seed: 5, max_tokens: 12 }, { theta: 0.5 }),
      harpReq(encode("Fay has 14 cards."), { n: 2, seed: 6, max_tokens: 12 }, { theta: 0, variant: "cached" }),
      { prompt: encode("Gus has 77 books. He sells 20 of them."), params: params({ n: 2, seed: 7, max_tokens: 16 }) },
    ];
    const together = await engine.generate(reqs);
    const again = await engine.generate(reqs);
    for (const [i, r] of reqs.entries()) {
      const [alone] = await engine.generate([r]);
      for (const res of [again[i]!, alone!]) {
        expect(res.samples.map((s) => s.tokens)).toEqual(together[i]!.samples.map((s) => s.tokens));
        expect(res.samples.map((s) => s.reframes)).toEqual(together[i]!.samples.map((s) => s.reframes));
        expect(res.samples.map((s) => s.flops)).toEqual(together[i]!.samples.map((s) => s.flops));
      }
    }
    expect(together[1]!.samples.every((s) => s.reframes === s.tokens.length)).toBe(true);
  });

  it("δ = 0 reframes to the model's own logits: greedy output equals vanilla in both variants", async () => {
    const prompt = encode("Ivy has 8 shells. She keeps half of them.");
    const p = { n: 1, seed: 1, max_tokens: 16, temperature: 0 };
    const [vanilla, faithful, cached] = await engine.generate([
      { prompt, params: params(p) },
      harpReq(prompt, p, { theta: 0, delta: 0 }),
      harpReq(prompt, p, { theta: 0, delta: 0, variant: "cached", window: 3 }),
    ]);
    expect(faithful!.samples[0]!.tokens).toEqual(vanilla!.samples[0]!.tokens);
    expect(cached!.samples[0]!.tokens).toEqual(vanilla!.samples[0]!.tokens);
  });

  it("rejects bad HARP settings and unknown modes as InvalidRequest", async () => {
    const prompt = encode("Ben has 3 coins.");
    for (const harp of [{ delta: 1 }, { beta: 2 }, { theta: -1 }, { window: 0 }]) {
      await expect(engine.generate([harpReq(prompt, {}, harp)])).rejects.toBeInstanceOf(InvalidRequest);
    }
    await expect(
      engine.generate([{ prompt, params: params(), mode: "beam" as "harp" }]),
    ).rejects.toMatchObject({ code: "invalid_request" });
  });

  it("refuses HARP with harp_unsupported when the model directory has no model_embeds.onnx", async () => {
    const dir = mkdtempSync(join(tmpdir(), "thinktime-noembeds-"));
    for (const f of ["config.json", "tokenizer.json", "model.onnx"]) copyFileSync(join(POLICY_DIR, f), join(dir, f));
    const bare = await Engine.load(dir, { intraOpNumThreads: 1 });
    try {
      const prompt = bare.tokenizer.encode(formatPrompt("Ben has 3 coins."));
      await expect(bare.generate([harpReq(prompt, {})])).rejects.toMatchObject({ code: "harp_unsupported" });
      const [vanilla] = await bare.generate([{ prompt, params: params() }]);
      expect(vanilla!.samples).toHaveLength(1);
    } finally {
      await bare.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
