// How rows are split into model runs: by batch size, by padding slack, and by tokens per run.
import { describe, expect, it } from "vitest";
import { chunkByWidth } from "../src/chunks.js";

describe("chunkByWidth", () => {
  it("covers every row once, in order, at most maxBatch rows per run", () => {
    const widths = Array.from({ length: 10 }, () => 50);
    expect(chunkByWidth(widths, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });

  it("starts a new run where padding to the widest row would exceed the slack", () => {
    // 100 + 90 + 80 real tokens padded to 3 × 100 = 300 ≤ 1.25 × 270; adding 20 would pad 400 > 1.25 × 290.
    expect(chunkByWidth([100, 90, 80, 20, 20], 64)).toEqual([
      [0, 3],
      [3, 5],
    ]);
  });

  it("keeps a run's padded tokens within maxTokens, and runs a row wider than that alone", () => {
    expect(chunkByWidth([300, 300, 300, 300, 300], 64, 1024)).toEqual([
      [0, 3],
      [3, 5],
    ]);
    expect(chunkByWidth([2000, 100], 64, 1024, 100)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});
