// The batch KV layout: right-aligned rows, spare columns and rows, and the copies that join, move and re-lay rows.
import { describe, expect, it } from "vitest";
import { assembleRows, copyRow, moveRow, type KvCache } from "../src/engine/index.js";

const dims = { layers: 2, heads: 2, headDim: 3 };
/** A cache whose every value encodes (layer, kind, row, head, column, d), so misplaced copies show. */
function marked(batch: number, length: number): KvCache {
  const size = batch * dims.heads * length * dims.headDim;
  const fill = (l: number, kind: number) =>
    Float32Array.from({ length: size }, (_, i) => 1 + l * 1000 + kind * 500 + i);
  return {
    ...dims, batch, length, capacity: length, rowCapacity: batch,
    keys: [0, 1].map((l) => fill(l, 0)), values: [0, 1].map((l) => fill(l, 1)),
  };
}
/** Column `t` of row `b`, head `h`, layer `l` (keys). */
const col = (kv: KvCache, l: number, b: number, h: number, t: number) =>
  Array.from(kv.keys[l]!.subarray(((b * kv.heads + h) * kv.capacity + t) * kv.headDim, ((b * kv.heads + h) * kv.capacity + t + 1) * kv.headDim));

describe("kv cache layout", () => {
  it("assembleRows right-aligns rows into spare columns and rows, zero on the left", () => {
    const src = marked(2, 4);
    const kv = assembleRows([{ kv: src, row: 1 }, { kv: src, row: 0, dropLast: 1 }], 5, dims, 8, 4);
    expect([kv.batch, kv.length, kv.capacity, kv.rowCapacity]).toEqual([2, 5, 8, 4]);
    expect(kv.keys[0]).toHaveLength(4 * 2 * 8 * 3);
    expect(col(kv, 1, 0, 1, 0)).toEqual([0, 0, 0]);
    expect(col(kv, 1, 0, 1, 1)).toEqual(col(src, 1, 1, 1, 0));
    expect(col(kv, 1, 0, 1, 4)).toEqual(col(src, 1, 1, 1, 3));
    // Row 1 dropped its source's last column: 3 columns, right-aligned to 5.
    expect(col(kv, 0, 1, 0, 1)).toEqual([0, 0, 0]);
    expect(col(kv, 0, 1, 0, 2)).toEqual(col(src, 0, 0, 0, 0));
    expect(col(kv, 0, 1, 0, 4)).toEqual(col(src, 0, 0, 0, 2));
  });

  it("copyRow zeroes stale padding in a reused slot, and moveRow carries a whole row", () => {
    const src = marked(3, 5);
    const kv = assembleRows([0, 1, 2].map((row) => ({ kv: src, row })), 5, dims, 7, 3);
    const short = marked(1, 2);
    copyRow(kv, 1, { kv: short, row: 0 }); // over row 1's old values
    expect(col(kv, 0, 1, 1, 2)).toEqual([0, 0, 0]);
    expect(col(kv, 0, 1, 1, 3)).toEqual(col(short, 0, 0, 1, 0));
    expect(col(kv, 0, 1, 1, 4)).toEqual(col(short, 0, 0, 1, 1));
    const row2 = [0, 1, 2, 3, 4].map((t) => col(kv, 1, 2, 1, t));
    moveRow(kv, 2, 0);
    expect([0, 1, 2, 3, 4].map((t) => col(kv, 1, 0, 1, t))).toEqual(row2);
  });
});
