// The prefix KV cache: keys over token prefixes, longest-prefix lookup, least-recently-used eviction by bytes.
import { describe, expect, it } from "vitest";
import { PrefixKvCache, prefixKeys, type KvEntry } from "../src/kv-cache.js";

const entry = (length: number, floats = 10): KvEntry => ({
  length,
  keys: [new Float32Array(floats)],
  values: [new Float32Array(floats)],
  scores: new Float32Array(length),
});

describe("prefixKeys", () => {
  it("gives the same key for the same prefix whatever follows, and different keys for different prefixes", () => {
    const [a2, a4] = prefixKeys([1, 2, 3, 4], [2, 4]);
    const [b2, b3] = prefixKeys([1, 2, 9], [2, 3]);
    expect(a2).toBe(b2);
    expect(a4).not.toBe(b3);
    expect(prefixKeys([1, 2, 3, 4], [4])[0]).toBe(a4);
    expect(prefixKeys([1, 2], [2])[0]).not.toBe(prefixKeys([2, 1], [2])[0]);
    expect(() => prefixKeys([1, 2], [3])).toThrow(RangeError);
  });
});

describe("PrefixKvCache", () => {
  it("finds the longest cached prefix and counts hits and misses", () => {
    const cache = new PrefixKvCache(10_000);
    const keys = prefixKeys([1, 2, 3, 4, 5], [2, 3, 5]);
    expect(cache.longest(keys)).toBeUndefined();
    cache.set(keys[0]!, entry(2));
    cache.set(keys[1]!, entry(3));
    expect(cache.longest(keys)).toMatchObject({ index: 1, entry: { length: 3 } });
    expect(cache.stats()).toMatchObject({ entries: 2, hits: 1, misses: 1 });
  });

  it("evicts the least recently used entries to stay within its bytes, and skips entries larger than the bound", () => {
    const size = 2 * 10 * 4 + 3 * 4; // keys + values + scores
    const cache = new PrefixKvCache(2 * size);
    const [a, b, c] = ["a", "b", "c"];
    cache.set(a, entry(3));
    cache.set(b, entry(3));
    expect(cache.longest([a])).toBeDefined(); // a is now the most recent
    cache.set(c, entry(3));
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 2 * size });
    expect(cache.longest([b])).toBeUndefined();
    expect(cache.longest([a])).toBeDefined();
    cache.set("huge", entry(3, 10_000));
    expect(cache.longest(["huge"])).toBeUndefined();
    cache.set(a, entry(3));
    expect(cache.stats().bytes).toBe(2 * size);
  });
});
