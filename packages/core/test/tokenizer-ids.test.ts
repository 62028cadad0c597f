import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CharTokenizer, newId } from "../src/index.js";

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
