// Model-predicted difficulty (Snell et al. 2024 §3): the verifier's mean score on a few samples, binned by quantile.

/** 1 − the mean probe score, in [0, 1]; null without scores. Higher is harder. */
export function probeDifficulty(scores: readonly number[]): number | null {
  const finite = scores.filter((s) => Number.isFinite(s));
  if (finite.length === 0) return null;
  const mean = finite.reduce((a, s) => a + s, 0) / finite.length;
  return Math.min(1, Math.max(0, 1 - mean));
}

/** The bin of a difficulty: how many thresholds it reaches (bin 0 is the easiest). */
export function binOf(difficulty: number, thresholds: readonly number[]): number {
  return thresholds.filter((t) => difficulty >= t).length;
}

/** Thresholds that split calibration difficulties into `bins` equal-count bins (Snell et al. use 5 quantile bins). */
export function difficultyThresholds(difficulties: readonly number[], bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError("bins must be a positive integer");
  if (difficulties.length === 0) throw new RangeError("need at least one difficulty");
  const sorted = [...difficulties].sort((a, b) => a - b);
  return Array.from({ length: bins - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / bins)]!);
}
