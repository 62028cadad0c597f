import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CharTokenizer, newId, randomSeed } from "../src/index.js";

describe("CharTokenizer", () => {
  const spec = JSON.parse(readFileSync(new URL("../../../models/policy/onnx/tokenizer.json", import.meta.url), "utf8"));
  const tok = new CharTokenizer(spec);
  it("round-trips text and prepends BOS", () => {
    const ids = tok.encode("Ana has 12 apples.\n12+5=17");
    expect(ids[0]).toBe(tok.bosId);
    expect(tok.decode(ids)).toBe("Ana has 12 apples.\n12+5=17");
  });
  it("maps unknown characters to UNK and decodes specials to nothing", () => {
    const ids = tok.encode("é", { bos: false });
    expect(ids).toEqual([spec.unk_id]);
    expect(tok.decode([tok.eosId, tok.padId])).toBe("");
  });
});

describe("newId", () => {
  it("is prefixed and sorts by creation time", () => {
    const a = newId("job", 1_700_000_000_000);
    const b = newId("job", 1_700_000_000_001);
    expect(a).toMatch(/^job_[0-9a-z]{26}$/);
    expect(a < b).toBe(true);
  });

  it("draws fresh random characters for every id, across refills of its random pool", () => {
    // 1,000 ids at one millisecond: 16 random characters each, 4 KiB of pooled bytes refilled 3 times.
    const ids = Array.from({ length: 1000 }, () => newId("key", 1_700_000_000_000));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^key_[0-9a-hjkmnp-tv-z]{26}$/);
    // Every character of the alphabet turns up in the random part (16,000 draws over 32 symbols).
    expect(new Set(ids.flatMap((id) => [...id.slice(14)])).size).toBe(32);
  });
});

describe("randomSeed", () => {
  it("draws distinct non-negative 31-bit integers, interleaved with ids from the same pool", () => {
    const seeds: number[] = [];
    for (let i = 0; i < 3000; i++) {
      seeds.push(randomSeed());
      if (i % 3 === 0) newId("job"); // 1,000 ids and 3,000 seeds: 28 KiB of pooled bytes, several refills
    }
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    expect(new Set(seeds).size).toBeGreaterThan(2990); // a repeat among 3,000 draws of 2^31 is ~0.2% likely
    // Both halves of the range and odd and even values turn up: the top bit is dropped, not the bottom one.
    expect(seeds.some((s) => s >= 2 ** 30)).toBe(true);
    expect(seeds.some((s) => s % 2 === 1)).toBe(true);
  });
});
