// The real ONNX ORM: scores are probabilities, deterministic, and batching/padding/chunking never changes them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrmScorer } from "../src/orm-scorer.js";
import { ORM_DIR, QUESTION, SOLUTIONS } from "./helpers.js";

let scorer: OrmScorer;
let chunked: OrmScorer;
beforeAll(async () => {
  scorer = await OrmScorer.load(ORM_DIR, { threads: 1 });
  chunked = await OrmScorer.load(ORM_DIR, { threads: 1, maxBatch: 3 });
});
afterAll(async () => {
  await scorer?.close();
  await chunked?.close();
});

const seqs = () => SOLUTIONS.map((s, i) => scorer.encode(`${QUESTION} (variant ${"x".repeat(i * 7)})`, s));

describe("OrmScorer", () => {
  it("reads max_position_embeddings from config.json", () => {
    expect(scorer.maxTokens).toBe(384);
    expect(scorer.model).toBe("orm");
  });

  it("scores every sequence in [0, 1], deterministically", async () => {
    const a = await scorer.score(seqs());
    const b = await scorer.score(seqs());
    expect(a).toHaveLength(SOLUTIONS.length);
    for (const s of a) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    expect(b).toEqual(a);
  });

  it("gives the same score batched (right-padded) as alone, within 1e-5", async () => {
    const all = seqs();
    const batched = await scorer.score(all);
    for (const [i, seq] of all.entries()) {
      const [alone] = await scorer.score([seq]);
      expect(Math.abs(batched[i]! - alone!)).toBeLessThan(1e-5);
    }
  });

  it("keeps input order when sorting by length and splitting into chunks", async () => {
    const all = seqs().reverse();
    const whole = await scorer.score(all);
    const split = await chunked.score(all);
    for (const [i, s] of whole.entries()) expect(Math.abs(split[i]! - s)).toBeLessThan(1e-5);
  });

  it("scores a sequence of exactly max_position_embeddings tokens and refuses a longer one", async () => {
    const full = scorer.encode("Q", "1".repeat(scorer.maxTokens - 3));
    expect(full).toHaveLength(scorer.maxTokens);
    const [s] = await scorer.score([full]);
    expect(s).toBeGreaterThanOrEqual(0);
    await expect(scorer.score([[...full, 5]])).rejects.toThrow(RangeError);
    await expect(scorer.score([[]])).rejects.toThrow(RangeError);
  });

  it("scores only up to the last real token (different padding widths agree)", async () => {
    const short = scorer.encode(QUESTION, "Answer: 36");
    const long = scorer.encode(QUESTION, "Answer: 36".padEnd(300, " ") + "x");
    const [alone] = await scorer.score([short]);
    const [withLong] = await scorer.score([short, long]);
    expect(Math.abs(withLong! - alone!)).toBeLessThan(1e-5);
  });
});
