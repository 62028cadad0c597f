// The native-sort token order of sampleToken against the comparator sort it replaces: same order, ties included.
import { mulberry32 } from "@thinktime/core";
import { describe, expect, it } from "vitest";
import { descendingOrder } from "../src/engine/index.js";

const bySort = (l: Float32Array) => Array.from({ length: l.length }, (_, i) => i).sort((a, b) => l[b]! - l[a]! || a - b);

describe("descendingOrder", () => {
  it("equals the comparator sort: negatives, zeros of both signs, ties, extremes", () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 200; trial++) {
      const vocab = 1 + Math.floor(rand() * 300);
      const l = Float32Array.from({ length: vocab }, () => {
        const r = rand();
        if (r < 0.1) return 0;
        if (r < 0.15) return -0;
        if (r < 0.3) return Math.round(rand() * 4) - 2; // many exact ties
        return (rand() - 0.5) * 10 ** Math.floor(rand() * 8 - 3);
      });
      if (trial === 0) l.set([3.4e38, -3.4e38, 1e-45, -1e-45].slice(0, vocab));
      expect(Array.from(descendingOrder(l, 0, vocab))).toEqual(bySort(l));
    }
  });

  it("reads a row at an offset", () => {
    const l = Float32Array.from([9, 9, 1, 3, 2, 3]);
    expect(Array.from(descendingOrder(l, 2, 4))).toEqual([1, 3, 2, 0]);
  });
});
