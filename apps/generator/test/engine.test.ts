// The engine against the real ONNX policy model: PyTorch parity, KV-cache and batching equivalence, sampling rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatPrompt, spanFlops } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, GenerationAborted, InvalidRequest, type GenerateRequest, type SamplingParams } from "../src/engine/index.js";
import { POLICY_DIR } from "./model-dir.js";

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await engine?.close();
});

const V = () => engine.config.vocab_size;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const row = (logits: Float32Array, index: number) => logits.subarray(index * V(), (index + 1) * V());
const logSoftmax = (l: ArrayLike<number>, tok: number) => {
  let max = -Infinity;
  for (let i = 0; i < l.length; i++) max = Math.max(max, l[i]!);
  let s = 0;
  for (let i = 0; i < l.length; i++) s += Math.exp(l[i]! - max);
  return l[tok]! - max - Math.log(s);
};
const encode = (q: string) => engine.tokenizer.encode(formatPrompt(q));
const params = (p: Partial<SamplingParams> = {}): SamplingParams => ({
  temperature: 1, top_p: 1, seed: 1, max_tokens: 24, n: 1, ...p,
});

/** Logits of every position of `ids` from one full forward pass without cache. */
async function fullLogits(ids: number[]): Promise<Float32Array> {
  return (await engine.forward({ inputIds: [ids] })).logits;
}

describe("model", () => {
  it("loads config, tokenizer and a name from the folder", () => {
    expect(engine.name).toBe("policy");
    expect(engine.executionProvider).toBe("cpu");
    expect(engine.tokenizer.vocabSize).toBe(engine.config.vocab_size);
  });

  it("matches the PyTorch parity fixture (left-padded batch) within 1e-4", async () => {
    const fx = JSON.parse(readFileSync(join(POLICY_DIR, "parity-fixture.json"), "utf8")) as {
      input_ids: number[][]; attention_mask: number[][]; last_logits: number[][];
    };
    const out = await engine.forward({ inputIds: fx.input_ids, attentionMask: fx.attention_mask });
    const T = fx.input_ids[0]!.length;
    fx.last_logits.forEach((expected, b) => {
      expect(maxAbsDiff(row(out.logits, b * T + T - 1), expected)).toBeLessThan(1e-4);
    });
  });

  it("batched (left-padded) logits equal single-sequence logits within 1e-4", async () => {
    const a = encode("Ana has 12 apples. She gets 5 more. How many apples now?");
    const b = encode("Ben has 3 coins.");
    const T = a.length;
    const padded = [...new Array<number>(T - b.length).fill(0), ...b];
    const mask = [new Array<number>(T).fill(1), [...new Array<number>(T - b.length).fill(0), ...new Array<number>(b.length).fill(1)]];
    const batched = await engine.forward({ inputIds: [a, padded], attentionMask: mask });
    const aOnly = await fullLogits(a);
    const bOnly = await fullLogits(b);
    for (let t = 0; t < a.length; t++) expect(maxAbsDiff(row(batched.logits, t), row(aOnly, t))).toBeLessThan(1e-4);
    for (let t = 0; t < b.length; t++) {
      expect(maxAbsDiff(row(batched.logits, T + (T - b.length) + t), row(bOnly, t))).toBeLessThan(1e-4);
    }
  });

  it("KV-cached incremental decode equals full recompute within 1e-4", async () => {
    const ids = encode("Cal has 40 cards. He loses 7. He finds 3 more. How many cards now?\n40-7=33\n33+3=36\nAnswer: 36");
    const full = await fullLogits(ids);
    const k = 20;
    let out = await engine.forward({ inputIds: [ids.slice(0, k)] });
    for (let t = 0; t < k; t++) expect(maxAbsDiff(row(out.logits, t), row(full, t))).toBeLessThan(1e-4);
    // Then a 3-token chunk, then one token at a time.
    out = await engine.forward({ inputIds: [ids.slice(k, k + 3)], past: out.present });
    for (let j = 0; j < 3; j++) expect(maxAbsDiff(row(out.logits, j), row(full, k + j))).toBeLessThan(1e-4);
    for (let t = k + 3; t < ids.length; t++) {
      out = await engine.forward({ inputIds: [[ids[t]!]], past: out.present });
      expect(maxAbsDiff(row(out.logits, 0), row(full, t))).toBeLessThan(1e-4);
    }
    expect(out.present.length).toBe(ids.length);
  });
});

describe("generate", () => {
  it("reports per-token logprobs that match a full recompute, across a mixed batch with early finishers", async () => {
    const reqs: GenerateRequest[] = [
      { prompt: encode("Ana has 12 apples. She gets 5 more. How many apples now?"), params: params({ n: 3, seed: 5, max_tokens: 30 }) },
      { prompt: encode("Ben has 3 coins."), params: params({ n: 2, seed: 9, max_tokens: 7 }) },
      { prompt: encode("Ivy has 8 shells. She keeps half of them."), params: params({ n: 2, seed: 3, max_tokens: 18, temperature: 0.7, top_p: 0.9 }) },
    ];
    const results = await engine.generate(reqs);
    for (const [ri, res] of results.entries()) {
      const prompt = reqs[ri]!.prompt;
      expect(res.samples).toHaveLength(reqs[ri]!.params.n);
      for (const s of res.samples) {
        const full = await fullLogits([...prompt, ...s.tokens.slice(0, -1)]);
        s.tokens.forEach((tok, j) => {
          expect(Math.abs(s.logprobs[j]! - logSoftmax(row(full, prompt.length - 1 + j), tok))).toBeLessThan(1e-4);
        });
      }
    }
  });

  it("gives each request the same samples alone as in a batch with others", async () => {
    const a: GenerateRequest = { prompt: encode("Dee has 5 stamps. She gets 9 more."), params: params({ n: 2, seed: 11, max_tokens: 20 }) };
    const b: GenerateRequest = { prompt: encode("Gus has 77 books."), params: params({ n: 3, seed: 12, max_tokens: 12 }) };
    const [both, aAlone, bAlone] = await Promise.all([engine.generate([a, b]), engine.generate([a]), engine.generate([b])]);
    expect(both[0]!.samples.map((s) => s.tokens)).toEqual(aAlone[0]!.samples.map((s) => s.tokens));
    expect(both[1]!.samples.map((s) => s.tokens)).toEqual(bAlone[0]!.samples.map((s) => s.tokens));
    for (const [i, s] of both[1]!.samples.entries()) {
      expect(maxAbsDiff(s.logprobs, bAlone[0]!.samples[i]!.logprobs)).toBeLessThan(1e-4);
    }
  });

  it("is deterministic per seed; different seeds differ at temperature 1", async () => {
    const prompt = encode("Eli has 31 coins. He gives away 4.");
    const run = (seed: number) => engine.generate([{ prompt, params: params({ n: 4, seed, max_tokens: 32 }) }]);
    const [x, y, z] = await Promise.all([run(42), run(42), run(43)]);
    const texts = (r: typeof x) => r[0]!.samples.map((s) => s.text);
    expect(texts(x)).toEqual(texts(y));
    expect(texts(x)).not.toEqual(texts(z));
    // Samples of one request differ from each other too (seed derived per sample index).
    expect(new Set(x[0]!.samples.map((s) => s.tokens.join(","))).size).toBeGreaterThan(1);
  });

  it("temperature 0 is greedy argmax, identical for every sample", async () => {
    const prompt = encode("Fay has 14 cards. She loses 6.");
    const [res] = await engine.generate([{ prompt, params: params({ temperature: 0, n: 3, seed: 1, max_tokens: 16 }) }]);
    const [first, ...rest] = res!.samples;
    for (const s of rest) expect(s.tokens).toEqual(first!.tokens);
    const full = await fullLogits([...prompt, ...first!.tokens.slice(0, -1)]);
    first!.tokens.forEach((tok, j) => {
      const l = row(full, prompt.length - 1 + j);
      expect(l[tok]).toBe(Math.max(...l));
    });
  });

  it("ends at a stop string and leaves it out of the text", async () => {
    const prompt = encode("Ana has 12 apples. She gets 5 more.");
    const [free] = await engine.generate([{ prompt, params: params({ seed: 7, max_tokens: 40 }) }]);
    const text = free!.samples[0]!.text;
    expect(text.length).toBeGreaterThan(8);
    const stop = text.slice(6, 8);
    const [stopped] = await engine.generate([{ prompt, params: params({ seed: 7, max_tokens: 40, stop: ["NEVER-THERE", stop] }) }]);
    const s = stopped!.samples[0]!;
    expect(s.finishReason).toBe("stop");
    expect(s.text).toBe(text.slice(0, text.indexOf(stop)));
    expect(free!.samples[0]!.tokens.slice(0, s.tokens.length)).toEqual(s.tokens);
  });

  it("ends at max_tokens with finish reason length, and bills FLOPs by the Monkeys formula", async () => {
    const prompt = encode("Ben has 3 coins.");
    const [res] = await engine.generate([{ prompt, params: params({ seed: 21, max_tokens: 5, n: 4 }) }]);
    for (const s of res!.samples) {
      const eos = s.tokens.at(-1) === engine.tokenizer.eosId;
      expect(s.finishReason).toBe(eos ? "stop" : "length");
      if (!eos) expect(s.tokens).toHaveLength(5);
      expect(s.flops).toBe(spanFlops(engine.flopsModel, prompt.length, prompt.length + s.tokens.length));
    }
    expect(res!.promptTokens).toBe(prompt.length);
    expect(res!.promptFlops).toBe(spanFlops(engine.flopsModel, 0, prompt.length));
  });

  it("ends at the model's position limit and refuses prompts that fill it", async () => {
    const max = engine.maxPositions;
    const long = engine.tokenizer.encode("1".repeat(max - 4));
    expect(long).toHaveLength(max - 3);
    const [res] = await engine.generate([{ prompt: long, params: params({ temperature: 0, max_tokens: 50 }) }]);
    const s = res!.samples[0]!;
    expect(long.length + s.tokens.length).toBeLessThanOrEqual(max);
    if (s.tokens.at(-1) !== engine.tokenizer.eosId) {
      expect(s.finishReason).toBe("length");
      expect(long.length + s.tokens.length).toBe(max);
    }
    const tooLong = engine.tokenizer.encode("1".repeat(max));
    await expect(engine.generate([{ prompt: tooLong, params: params() }])).rejects.toMatchObject({
      name: "InvalidRequest", code: "prompt_too_long",
    });
    await expect(engine.generate([{ prompt: long, params: params({ n: 0 }) }])).rejects.toBeInstanceOf(InvalidRequest);
  });

  it("stops on abort and reports the work spent", async () => {
    const ac = new AbortController();
    const prompt = encode("Ana has 12 apples.");
    ac.abort(new Error("canceled"));
    const err = await engine.generate([{ prompt, params: params({ n: 2 }) }], { signal: ac.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationAborted);
    expect((err as GenerationAborted).spent).toEqual({ promptTokens: 0, generatedTokens: 0, flops: 0 });

    const late = new AbortController();
    const p = engine.generate([{ prompt, params: params({ n: 2, max_tokens: 200 }) }], { signal: late.signal });
    setTimeout(() => late.abort(new Error("canceled")), 30);
    const err2 = (await p.catch((e: unknown) => e)) as GenerationAborted;
    if (err2 instanceof GenerationAborted) {
      expect(err2.spent.promptTokens).toBe(prompt.length);
      expect(err2.spent.generatedTokens).toBeGreaterThan(0);
      expect(err2.spent.flops).toBeGreaterThan(spanFlops(engine.flopsModel, 0, prompt.length));
    }
  });
});
