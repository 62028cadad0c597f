// Splits rows (sorted longest first) into model runs that waste little on padding: on CPU a padded token costs as
// much as a real one, so one wide run of mixed lengths can be slower than several narrow ones.

/** Tokens per model run, padding included, unless a scorer is told otherwise: past about 1k tokens a run's activations
 *  leave the cache and rows get slower (`pnpm bench:verifier`, "PRM alone": 64 mixed solutions scored ~53 rows/s
 *  uncapped, ~70 at 1,024 tokens, ~60 one row per call, on 2 cores). */
export const RUN_TOKENS = 1024;

/** Index ranges [start, end) over `widths` (descending), each at most maxBatch long, at most `maxTokens` tokens padding
 *  included (a row wider than that runs alone), and padding at most `slack` of real tokens. */
export function chunkByWidth(widths: readonly number[], maxBatch: number, maxTokens = Number.POSITIVE_INFINITY, slack = 0.25): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  while (start < widths.length) {
    const width = widths[start]!;
    let real = width;
    let end = start + 1;
    while (end < widths.length && end - start < maxBatch && width * (end - start + 1) <= maxTokens && width * (end - start + 1) <= (1 + slack) * (real + widths[end]!)) {
      real += widths[end]!;
      end++;
    }
    out.push([start, end]);
    start = end;
  }
  return out;
}
