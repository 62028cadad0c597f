// Axis domains and tick positions for svg-plot: round numbers on linear axes, powers of two on log axes.

export interface Tick {
  value: number;
  label: string;
}

export interface Axis {
  lo: number;
  hi: number;
  ticks: Tick[];
}

/**
 * A linear axis over [min, max] with about `target` ticks at 1, 2 or 5 × 10^m. Ends the caller did not fix are
 * widened to the nearest tick; an empty range is padded so the axis never has zero length. Missing data gives [0, 1].
 */
export function linearAxis(min: number | null, max: number | null, fixed: { lo?: number; hi?: number }, target = 5): Axis {
  let lo = fixed.lo ?? min ?? (fixed.hi !== undefined ? fixed.hi - 1 : 0);
  let hi = fixed.hi ?? max ?? lo + 1;
  if (lo >= hi) {
    if (fixed.lo !== undefined && fixed.hi !== undefined) throw new RangeError(`axis needs lo < hi, got [${lo}, ${hi}]`);
    if (fixed.hi !== undefined) lo = hi - padOf(hi);
    else if (fixed.lo !== undefined) hi = lo + padOf(lo);
    else [lo, hi] = [lo - padOf(lo), hi + padOf(hi)];
  }
  const step = niceStep((hi - lo) / target);
  // toPrecision drops float noise (3 × 0.1) at any magnitude; "+ 0" turns -0 into 0 so no label reads "-0".
  const round = (i: number) => Number((i * step).toPrecision(12)) + 0;
  if (fixed.lo === undefined) lo = round(Math.floor(lo / step + 1e-9));
  if (fixed.hi === undefined) hi = round(Math.ceil(hi / step - 1e-9));
  const ticks: Tick[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    const value = round(i);
    ticks.push({ value, label: String(value) });
  }
  return { lo, hi, ticks };
}

/**
 * A base-2 log axis from the power of two at or below min to the one at or above max, ticked at powers of two
 * (every other one, or sparser, when there would be more than 10). Positive data only; missing data gives [1, 2].
 */
export function log2Axis(min: number | null, max: number | null): Axis {
  let e0 = min === null ? 0 : Math.floor(Math.log2(min));
  let e1 = max === null ? 1 : Math.ceil(Math.log2(max));
  if (e0 >= e1) {
    e0 -= 1;
    e1 = e0 + 2;
  }
  const stride = Math.ceil((e1 - e0 + 1) / 10);
  const ticks: Tick[] = [];
  for (let e = e0; e <= e1; e += stride) ticks.push({ value: 2 ** e, label: e >= -6 && e <= 20 ? String(2 ** e) : `2^${e}` });
  return { lo: 2 ** e0, hi: 2 ** e1, ticks };
}

function padOf(v: number): number {
  return v === 0 ? 1 : Math.abs(v) / 2;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
}
