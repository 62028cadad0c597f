// Which noise rule the policy-table fit should use, judged on the calibration split alone: two-fold cross-validation
// over each bin's questions (fit on one half, play the table on the other), so the test split never chooses.
import { type Measurement, type PolicyTable, canonicalConfig, fitPolicyTable } from "@thinktime/core";

/** A calibration measurement with what each of the bin's questions got: right or not, and the FLOPs spent. */
export interface QuestionMeasurement extends Measurement {
  correct: boolean[];
  flopsEach: number[];
}

/** none: the most accurate entry; unpaired: within √(a(1−a)/n) of it; paired: within the paired difference's error;
 * pooled: unpaired over every bin's questions together, so each budget bucket gets one config for all bins;
 * pooled-paired: the same with the paired error over all questions; gated: unpaired, but a bucket keeps its per-bin
 * column (and so auto's probe) only where that beats pooled's one config. */
export const FIT_RULES = ["none", "unpaired", "paired", "pooled", "pooled-paired", "gated"] as const;
export type FitRule = (typeof FIT_RULES)[number];
type BinRule = Exclude<FitRule, "pooled" | "pooled-paired" | "gated">;

/** The measurement restricted to the questions `keep` accepts (by index in the bin), in the form `rule` fits on. */
export function restrict(m: QuestionMeasurement, keep: (i: number) => boolean, rule: BinRule): Measurement {
  const idx = m.correct.map((_, i) => i).filter(keep);
  const correct = idx.map((i) => m.correct[i]!);
  const n = idx.length;
  const base = {
    bin: m.bin, budget: m.budget, config: m.config,
    accuracy: n ? correct.filter(Boolean).length / n : Number.NaN,
    spent: n ? idx.reduce((s, i) => s + m.flopsEach[i]!, 0) / n : Number.NaN,
  };
  if (rule === "none") return base;
  if (rule === "unpaired") return { ...base, questions: n };
  return { ...base, questions: n, correct };
}

/** What the fit gets under `rule` from the questions `keep` accepts: per bin, or (pooled) each config's questions of
 * every bin together, repeated for each bin (pooled-paired: with the right answers in bin order, so every config's
 * outcomes pair question by question). */
export function fitInput(measurements: readonly QuestionMeasurement[], keep: (i: number) => boolean, rule: Exclude<FitRule, "gated">): Measurement[] {
  if (rule !== "pooled" && rule !== "pooled-paired") return measurements.map((m) => restrict(m, keep, rule));
  const groups = new Map<string, Measurement[]>();
  for (const m of [...measurements].sort((a, b) => a.bin - b.bin)) {
    const key = `${m.budget}|${canonicalConfig(m.config)}`;
    const r = restrict(m, keep, "paired");
    if (r.questions) groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const bins = [...new Set(measurements.map((m) => m.bin))];
  return [...groups.values()].flatMap((group) => {
    const questions = group.reduce((s, m) => s + m.questions!, 0);
    const share = (f: (m: Measurement) => number) => group.reduce((s, m) => s + f(m) * m.questions!, 0) / questions;
    const pooled = { budget: group[0]!.budget, config: group[0]!.config, accuracy: share((m) => m.accuracy), spent: share((m) => m.spent), questions };
    const correct = rule === "pooled-paired" ? { correct: group.flatMap((m) => m.correct!) } : {};
    return bins.map((bin) => ({ ...pooled, ...correct, bin }));
  });
}

/** The fit under `rule`, on all of the measurements' questions. */
export function fitWith(shape: Omit<PolicyTable, "policy">, measurements: readonly QuestionMeasurement[], rule: FitRule): PolicyTable {
  return fitOn(shape, measurements, () => true, rule);
}

/** The fit under `rule` on the questions `keep` accepts (by index in each bin). */
export function fitOn(
  shape: Omit<PolicyTable, "policy">, measurements: readonly QuestionMeasurement[], keep: (i: number) => boolean, rule: FitRule,
): PolicyTable {
  if (rule !== "gated") return fitPolicyTable({ ...shape, measurements: fitInput(measurements, keep, rule) });
  const binned = fitOn(shape, measurements, keep, "unpaired");
  const pooled = fitOn(shape, measurements, keep, "pooled");
  const play = player(shape, measurements);
  const policy = binned.policy.map((row) => [...row]);
  shape.budget_buckets.forEach((_, bucket) => {
    const column = binned.policy.map((row) => canonicalConfig(row[bucket]!));
    if (column.every((c) => c === column[0])) return;
    // Over every bin's questions: the per-bin column against the one config pooled plans for the bucket.
    const mine = play(bucket, (bin) => binned.policy[bin]![bucket]!, keep);
    const one = play(bucket, () => pooled.policy[0]![bucket]!, keep);
    if (!mine.n) return;
    const a = mine.right / mine.n;
    if (a - one.right / one.n > Math.sqrt((a * (1 - a)) / mine.n)) return;
    for (const row of policy) row[bucket] = pooled.policy[0]![bucket]!;
  });
  return { ...binned, policy };
}

/** Plays a column of entries (one per bin) at a bucket: each bin's entry as measured at the bucket's budget, on the
 * questions `keep` accepts; right answers, questions and FLOPs over every bin together. */
function player(shape: Omit<PolicyTable, "policy">, measurements: readonly QuestionMeasurement[]) {
  const key = (bin: number, budget: number, config: Measurement["config"]) => `${bin}|${budget}|${canonicalConfig(config)}`;
  const byKey = new Map(measurements.map((m) => [key(m.bin, m.budget, m.config), m]));
  const bins = shape.bin_thresholds.length + 1;
  return (bucket: number, entry: (bin: number) => Measurement["config"], keep: (i: number) => boolean) => {
    const total = { right: 0, n: 0, flops: 0 };
    for (let bin = 0; bin < bins; bin++) {
      const config = entry(bin);
      const m = byKey.get(key(bin, shape.budget_buckets[bucket]!, config));
      if (!m) throw new Error(`no measurement of ${canonicalConfig(config)} in bin ${bin} at bucket ${bucket}`);
      const held = restrict(m, keep, "unpaired");
      if (!held.questions) continue;
      total.right += held.accuracy * held.questions!;
      total.n += held.questions!;
      total.flops += held.spent * held.questions!;
    }
    return total;
  };
}

export interface HeldOut {
  /** Per budget bucket: accuracy and mean FLOPs of the tables on the questions they were not fitted on. */
  buckets: { accuracy: number; flops: number }[];
}

/** Two-fold cross-validation of a rule: question i of a bin is in fold i mod 2; each fold's table (fitted on the other
 * fold) plays its entry for every bin × bucket — the measurement of that config at that bucket's budget — on the fold. */
export function crossValidate(shape: Omit<PolicyTable, "policy">, measurements: readonly QuestionMeasurement[], rule: FitRule): HeldOut {
  const play = player(shape, measurements);
  const totals = shape.budget_buckets.map(() => ({ right: 0, flops: 0, n: 0 }));
  for (const fold of [0, 1]) {
    const table = fitOn(shape, measurements, (i) => i % 2 !== fold, rule);
    shape.budget_buckets.forEach((_, bucket) => {
      const t = play(bucket, (bin) => table.policy[bin]![bucket]!, (i) => i % 2 === fold);
      totals[bucket]!.right += t.right;
      totals[bucket]!.flops += t.flops;
      totals[bucket]!.n += t.n;
    });
  }
  return { buckets: totals.map((t) => ({ accuracy: t.right / t.n, flops: t.flops / t.n })) };
}
