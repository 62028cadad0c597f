// The decode batch's KV cache: one [rowCapacity, H, capacity, D] key and value array per layer; the first `batch`
// rows are in use, left-padded to a common length T ≤ capacity; columns T..capacity are room for the next steps
// (each decode step writes its new column in place, see ModelSession.step), rows batch..rowCapacity room for rows
// that join (copyRow) or move down when others leave (moveRow). A fresh layout — fan-out, merging, trimming — is
// assembleRows, which right-aligns each chosen source row into new arrays.

export interface KvDims {
  layers: number;
  heads: number;
  headDim: number;
}

export interface KvCache extends KvDims {
  batch: number;
  /** T: positions held per row, left padding included. */
  length: number;
  /** Columns allocated per row (the arrays' row stride), ≥ length. */
  capacity: number;
  /** Rows allocated, ≥ batch. */
  rowCapacity: number;
  keys: Float32Array[];
  values: Float32Array[];
}

export function emptyKv(dims: KvDims, batch: number): KvCache {
  const none = () => Array.from({ length: dims.layers }, () => new Float32Array(0));
  return { ...dims, batch, length: 0, capacity: 0, rowCapacity: batch, keys: none(), values: none() };
}

export interface RowRef {
  kv: KvCache;
  row: number;
  /** Ignore the source's last columns (HARP's cached reframe recomputes them); default 0. */
  dropLast?: number;
}

/**
 * Copies a source row into row `dstRow` of `dst`, right-aligned to dst.length: a shorter source leaves zero columns
 * on the left (masked out by the caller's attention mask), a longer one loses its first columns, which the caller
 * guarantees are padding.
 */
export function copyRow(dst: KvCache, dstRow: number, { kv, row, dropLast = 0 }: RowRef): void {
  const { layers, heads, headDim, length, capacity } = dst;
  const srcLen = Math.max(0, kv.length - dropLast);
  const keep = Math.min(srcLen, length);
  const srcSkip = srcLen - keep; // leading source columns dropped
  const dstSkip = length - keep; // leading destination columns zeroed as padding
  for (let l = 0; l < layers; l++) {
    const srcK = kv.keys[l]!;
    const srcV = kv.values[l]!;
    const k = dst.keys[l]!;
    const v = dst.values[l]!;
    for (let h = 0; h < heads; h++) {
      const src = ((row * heads + h) * kv.capacity + srcSkip) * headDim;
      const dst0 = ((dstRow * heads + h) * capacity) * headDim;
      const n = keep * headDim;
      if (dstSkip > 0) {
        k.fill(0, dst0, dst0 + dstSkip * headDim);
        v.fill(0, dst0, dst0 + dstSkip * headDim);
      }
      k.set(srcK.subarray(src, src + n), dst0 + dstSkip * headDim);
      v.set(srcV.subarray(src, src + n), dst0 + dstSkip * headDim);
    }
  }
}

/** Moves row `from` of `kv` to row `to` (same layout), e.g. to close the gap a finished row left. */
export function moveRow(kv: KvCache, from: number, to: number): void {
  const rowSize = kv.heads * kv.capacity * kv.headDim;
  for (let l = 0; l < kv.layers; l++) {
    kv.keys[l]!.copyWithin(to * rowSize, from * rowSize, (from + 1) * rowSize);
    kv.values[l]!.copyWithin(to * rowSize, from * rowSize, (from + 1) * rowSize);
  }
}

/**
 * A new cache holding `rows` (right-aligned, see copyRow) at `length` positions, allocated for `capacity` ≥ length
 * columns and `rowCapacity` ≥ rows.length rows.
 */
export function assembleRows(
  rows: readonly RowRef[],
  length: number,
  dims: KvDims,
  capacity = length,
  rowCapacity = rows.length,
): KvCache {
  const { layers, heads, headDim } = dims;
  if (capacity < length || rowCapacity < rows.length) throw new Error("assembleRows: capacity below what it holds");
  const size = rowCapacity * heads * capacity * headDim;
  const kv: KvCache = {
    layers, heads, headDim, batch: rows.length, length, capacity, rowCapacity,
    keys: Array.from({ length: layers }, () => new Float32Array(size)),
    values: Array.from({ length: layers }, () => new Float32Array(size)),
  };
  for (const [b, ref] of rows.entries()) copyRow(kv, b, ref);
  return kv;
}
