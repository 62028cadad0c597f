// Fitting the policy table from calibration measurements: per difficulty bin and budget bucket, the best config.
import { type StrategyConfig, canonicalConfig } from "./config.js";
import { PolicyTable, bucketOf } from "./policy.js";

/** One calibration result: a config run on a bin's questions under a budget (in the table's unit). */
export interface Measurement {
  bin: number;
  budget: number;
  config: StrategyConfig;
  /** Fraction of the bin's questions answered right. */
  accuracy: number;
  /** Mean spent per question, in the table's unit. */
  spent: number;
  /** How many questions the accuracy was measured on; when given, the one-standard-error rule applies. */
  questions?: number;
  /** Per question, whether the answer was right, in the same question order for every measurement of a bin; when
   * given, the one-standard-error rule uses the paired difference (see fitPolicyTable). */
  correct?: readonly boolean[];
}

export type FitInput = Omit<PolicyTable, "policy"> & { measurements: readonly Measurement[] };

/**
 * policy[bin][bucket] = the most accurate config measured in that bin at a budget in this bucket or a cheaper one
 * (strategies are hard-capped, so what ran under less budget runs the same under more); ties go to the lower mean
 * spend, then to the config whose canonical JSON sorts first, so the table depends only on the measurements. A bin
 * with no measurement at or below some bucket is an error: calibrate every bin at the smallest bucket.
 *
 * With `questions` on the measurements, the one-standard-error rule (Breiman et al.) guards against calibration
 * noise: the cheapest config whose accuracy is within one standard error, √(a(1−a)/questions), of the best one's
 * is taken instead, so a bin of 50 questions does not pay 8× the FLOPs for one lucky question more.
 *
 * With `correct` on the measurements, the error is the paired one: every config ran on the same questions, so what
 * is noise is the difference between two configs, d = best − other per question, with standard error sd(d)/√n. Two
 * configs that agree on most questions then differ by little noise, and a consistent lead counts; one that wins
 * some questions and loses others does not.
 */
export function fitPolicyTable(input: FitInput): PolicyTable {
  const { measurements, ...shape } = input;
  const bins = shape.bin_thresholds.length + 1;
  const policy = Array.from({ length: bins }, (_, bin) =>
    shape.budget_buckets.map((_, bucket) => {
      const pool = measurements.filter((m) => m.bin === bin && bucketOf({ [shape.unit]: m.budget }, shape) <= bucket);
      const best = pool.reduce<Measurement | null>((b, m) => (b === null || better(m, b) ? m : b), null);
      if (!best) throw new RangeError(`no measurement for bin ${bin} at budget bucket ${bucket} or below`);
      const close = withinOneError(best);
      if (!close) return best.config;
      const cheapest = pool
        .filter(close)
        .reduce((c, m) => (m.spent < c.spent || (m.spent === c.spent && better(m, c)) ? m : c), best);
      return cheapest.config;
    }),
  );
  return PolicyTable.parse({ ...shape, policy });
}

/** Whether a measurement is within one standard error of the best one's accuracy; null when errors are not known. */
function withinOneError(best: Measurement): ((m: Measurement) => boolean) | null {
  const top = best.correct;
  if (top) return (m) => m.correct !== undefined && best.accuracy - m.accuracy <= pairedError(top, m.correct);
  if (best.questions === undefined || best.questions <= 0) return null;
  const floor = best.accuracy - Math.sqrt((best.accuracy * (1 - best.accuracy)) / best.questions);
  return (m) => m.accuracy >= floor;
}

/** Standard error of the mean per-question difference between two configs' right answers on the same questions. */
export function pairedError(a: readonly boolean[], b: readonly boolean[]): number {
  if (a.length !== b.length) throw new RangeError(`paired outcomes differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  if (n < 2) return Number.POSITIVE_INFINITY;
  const d = a.map((x, i) => Number(x) - Number(b[i]));
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return Math.sqrt(variance / n);
}

function better(a: Measurement, b: Measurement): boolean {
  if (a.accuracy !== b.accuracy) return a.accuracy > b.accuracy;
  if (a.spent !== b.spent) return a.spent < b.spent;
  return canonicalConfig(a.config) < canonicalConfig(b.config);
}
