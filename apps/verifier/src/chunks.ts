// Splits rows (sorted longest first) into model runs that waste little on padding: on CPU a padded token costs as
// much as a real one, so one wide run of mixed lengths can be slower than several narrow ones.

/** Index ranges [start, end) over `widths` (descending), each at most maxBatch long, padding at most `slack` of real tokens. */
export function chunkByWidth(widths: readonly number[], maxBatch: number, slack = 0.25): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < widths.length) {
    const width = widths[start]!;
    let real = width;
    let end = start + 1;
    while (end < widths.length && end - start < maxBatch && width * (end - start + 1) <= (1 + slack) * (real + widths[end]!)) {
      real += widths[end]!;
      end++;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}
