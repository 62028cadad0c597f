// Coverage vs. samples as an exponentiated power law (Brown et al. 2024), to extrapolate beyond the k we measured.

/** One measured point of a coverage curve: coverage (pass@k, in [0, 1]) after k samples. */
export interface CoveragePoint {
  k: number;
  coverage: number;
}

/** c(k) ≈ exp(a·k^b). Typically a < 0 (coverage below 1) and b < 0 (coverage rising towards 1 as k grows). */
export interface PowerLawFit {
  a: number;
  b: number;
  /** R² of exp(a·k^b) against the observed coverage, over every point given (dropped ones included). */
  r2: number;
  /** R² of the straight line in the space it was fitted in: log(−log c) against log k, usable points only. */
  r2Log: number;
  /** How many points the fit used (those with 0 < coverage < 1). */
  used: number;
}

/**
 * Fits log c(k) = a·k^b (Brown et al. 2024, "Large Language Monkeys"). The model linearises:
 *
 *   log c = a·k^b, with a < 0  ⇒  −log c = (−a)·k^b  ⇒  log(−log c) = log(−a) + b·log k,
 *
 * so ordinary least squares of y = log(−log c) on x = log k gives slope b and intercept α, and a = −exp(α).
 * Points with coverage 1 (−log c = 0) or 0 (−log c = ∞) have no image in that space and are dropped from the fit;
 * they still count in r2, which compares the curve with every observation. Returns null when fewer than two usable
 * points remain or they share one k (no line through them). RangeError for k ≤ 0, coverage outside [0, 1], or
 * non-finite values. Coverage that falls with k (b > 0) is fitted as given, not rejected.
 */
export function fitCoveragePowerLaw(points: readonly CoveragePoint[]): PowerLawFit | null {
  for (const p of points) {
    if (!Number.isFinite(p.k) || p.k <= 0) throw new RangeError(`coverage point needs a finite k > 0, got ${p.k}`);
    if (!(p.coverage >= 0 && p.coverage <= 1)) throw new RangeError(`coverage must lie in [0, 1], got ${p.coverage}`);
  }
  const usable = points.filter((p) => p.coverage > 0 && p.coverage < 1);
  if (usable.length < 2) return null;
  const xs = usable.map((p) => Math.log(p.k));
  const ys = usable.map((p) => Math.log(-Math.log(p.coverage)));
  const line = leastSquares(xs, ys);
  if (line === null) return null;
  const fit = { a: -Math.exp(line.intercept), b: line.slope };
  const observed = points.map((p) => p.coverage);
  const predicted = points.map((p) => predictCoverage(fit, p.k));
  return { ...fit, r2: rSquared(observed, predicted), r2Log: line.r2, used: usable.length };
}

/** exp(a·k^b): the fitted coverage after k samples. RangeError for a k that is not finite and positive. */
export function predictCoverage(fit: Pick<PowerLawFit, "a" | "b">, k: number): number {
  if (!Number.isFinite(k) || k <= 0) throw new RangeError(`predictCoverage needs a finite k > 0, got ${k}`);
  return Math.exp(fit.a * k ** fit.b);
}

function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } | null {
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return { slope, intercept, r2: rSquared(ys, xs.map((x) => intercept + slope * x)) };
}

/** 1 − SS_res/SS_tot. When the observations do not vary, R² is 1 for an exact fit and 0 otherwise (never NaN). */
function rSquared(observed: readonly number[], predicted: readonly number[]): number {
  const m = mean(observed);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < observed.length; i++) {
    ssRes += (observed[i]! - predicted[i]!) ** 2;
    ssTot += (observed[i]! - m) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

function mean(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}
