// The revision policy (models/revise/onnx) in the engine: PyTorch parity on a prompt past the policy's 384 positions,
// and a KV-cached continuation of a revision prompt that equals a full recompute.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatRevisionPrompt } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../src/engine/index.js";
import { REVISE_DIR } from "./model-dir.js";

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.load(REVISE_DIR, { intraOpNumThreads: 1 });
});
afterAll(async () => {
  await engine?.close();
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe("revision policy", () => {
  it("loads as `revise` with a 768-position context", () => {
    expect(engine.name).toBe("revise");
    expect(engine.maxPositions).toBe(768);
  });

  it("matches the PyTorch parity fixture, whose longest prompt runs past position 384, within 1e-4", async () => {
    const fx = JSON.parse(readFileSync(join(REVISE_DIR, "parity-fixture.json"), "utf8")) as {
      input_ids: number[][]; attention_mask: number[][]; last_logits: number[][];
    };
    const T = fx.input_ids[0]!.length;
    expect(T).toBeGreaterThan(384);
    const out = await engine.forward({ inputIds: fx.input_ids, attentionMask: fx.attention_mask });
    const V = engine.config.vocab_size;
    fx.last_logits.forEach((expected, b) => {
      const at = (b * T + T - 1) * V;
      expect(maxAbsDiff(out.logits.subarray(at, at + V), expected)).toBeLessThan(1e-4);
    });
  });

  it("a revision prompt's cached continuation equals a full pass", async () => {
    const prompt = formatRevisionPrompt("Ana has 12 apples. She gets 5 more. How many apples now?", ["12+5=18\nAnswer: 18"]);
    const ids = engine.tokenizer.encode(prompt);
    const head = await engine.forward({ inputIds: [ids.slice(0, -4)] });
    const tail = await engine.forward({ inputIds: [ids.slice(-4)], past: head.present });
    const full = await engine.forward({ inputIds: [ids] });
    const V = engine.config.vocab_size;
    const last = (ids.length - 1) * V;
    expect(maxAbsDiff(tail.logits.subarray(3 * V, 4 * V), full.logits.subarray(last, last + V))).toBeLessThan(1e-4);
  });
});
