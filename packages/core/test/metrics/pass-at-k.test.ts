// pass@k: the product form against brute-force enumeration of every k-subset, plus its domain.
import { describe, expect, it } from "vitest";
import { meanPassAtK, passAtK } from "../../src/metrics/index.js";

/** Fraction of the k-subsets of n samples (the first c correct) that hold at least one correct sample. */
function bruteForce(n: number, c: number, k: number): number {
  let hit = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let size = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) size++;
    if (size !== k) continue;
    total++;
    if ((mask & ((1 << c) - 1)) !== 0) hit++;
  }
  return hit / total;
}

describe("passAtK", () => {
  it("matches enumeration for every n ≤ 9, c, k", () => {
    for (let n = 1; n <= 9; n++) {
      for (let c = 0; c <= n; c++) {
        for (let k = 1; k <= n; k++) expect(passAtK(n, c, k)).toBeCloseTo(bruteForce(n, c, k), 12);
      }
    }
  });

  it("is c/n at k = 1, 0 with no correct sample, 1 once k exceeds the wrong ones", () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    expect(passAtK(50, 0, 50)).toBe(0);
    expect(passAtK(10, 3, 8)).toBe(1);
    expect(passAtK(4, 4, 1)).toBe(1);
  });

  it("stays accurate where the binomials would overflow", () => {
    // 1 − C(197,100)/C(200,100) = 1 − (100·99·98)/(200·199·198)
    expect(passAtK(200, 3, 100)).toBeCloseTo(1 - (100 * 99 * 98) / (200 * 199 * 198), 14);
    expect(passAtK(10_000, 1, 1)).toBeCloseTo(1e-4, 16);
    const big = passAtK(10_000, 5_000, 5_000);
    expect(Number.isFinite(big)).toBe(true);
    expect(big).toBeCloseTo(1, 12);
  });

  it.each([
    [5, 2, 0],
    [5, 2, 6],
    [5, -1, 2],
    [5, 6, 2],
    [5, 2, 1.5],
    [Number.NaN, 1, 1],
    [0, 0, 0],
  ])("rejects n=%s c=%s k=%s", (n, c, k) => expect(() => passAtK(n, c, k)).toThrow(RangeError));
});

describe("meanPassAtK", () => {
  it("averages per-question estimates with their own n", () => {
    expect(meanPassAtK([{ n: 10, c: 3 }, { n: 4, c: 0 }, { n: 2, c: 2 }], 1)).toBeCloseTo((0.3 + 0 + 1) / 3, 12);
  });

  it("rejects an empty list and a k beyond some question's n", () => {
    expect(() => meanPassAtK([], 1)).toThrow(RangeError);
    expect(() => meanPassAtK([{ n: 10, c: 1 }, { n: 2, c: 1 }], 4)).toThrow(RangeError);
  });
});
