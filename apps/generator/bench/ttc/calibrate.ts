// The calibration: on the calibration split's pool, bin questions by the probe's predicted difficulty, run every
// candidate strategy under every budget bucket (core's own code, replayed), and fit the policy table auto plans with.
import {
  type CostModels, type PolicyTable, type StrategyConfig, binOf, difficultyThresholds, fnv1a, probeDifficulty, sampleWorst,
} from "@thinktime/core";
import { type QuestionMeasurement, fitWith } from "./fit-rules.js";
import type { Pool, PoolProblem } from "./pool.js";
import type { RevisionPoolProblem } from "./revision-pool.js";
import { runOnPool, summarize } from "./runs.js";
import { FIT_RULE, OTHER_TEMPERATURES, REVISION_CHAINS, REVISION_LENGTH } from "./settings.js";

export interface CalibrationOptions {
  bins: number;
  probe: PolicyTable["probe"];
  /** Budget buckets as multiples of one sample's worst case (prompt + max_tokens + its ORM read). */
  bucketSamples: number[];
  menu: StrategyConfig[];
  temperature: number;
  maxTokens: number;
  seed: number;
}

/** The strategies auto may choose among: the sampling strategies at powers of two (anchored majority with the greedy
 * answer worth a quarter or half of the samples' votes, by count or PRM-weighted) and early stopping, at the job's
 * temperature and at each of `temperatures`, and — given the revision pool's shape — revisions at every chains ×
 * length it holds (chains of one attempt are the reviser's parallel sampling), selected by the verifier or by
 * majority. */
export function defaultMenu(maxN = 32, revisionPool?: { chains: number; length: number }, temperatures: readonly number[] = []): StrategyConfig[] {
  const ns = [2, 4, 8, 16, 32, 64].filter((n) => n <= maxN);
  const powers = (max: number) => [1, 2, 4, 8, 16].filter((x) => x <= max);
  const revisions = revisionPool
    ? powers(revisionPool.chains).flatMap((chains) =>
        powers(revisionPool.length)
          .filter((length) => chains * length > 1)
          .flatMap((length) =>
            (["verifier", "majority"] as const).map(
              (revision_select): StrategyConfig => ({ strategy: "revisions", n: chains * length, chains, revision_select }),
            ),
          ),
      )
    : [];
  const sampling = (t: { temperature?: number }): StrategyConfig[] => [
    ...ns.map((n): StrategyConfig => ({ strategy: "majority", n, ...t })),
    ...ns.map((n): StrategyConfig => ({ strategy: "best_of_n", n, ...t })),
    ...ns.map((n): StrategyConfig => ({ strategy: "weighted_best_of_n", n, ...t })),
    ...ns.flatMap((n) =>
      [...new Set([Math.ceil(n / 4), n / 2])].flatMap((anchor) =>
        [false, true].map((weighted): StrategyConfig => ({ strategy: "anchored_majority", n, anchor, ...(weighted ? { weighted } : {}), ...t })),
      ),
    ),
    { strategy: "early_stop", n: maxN, round_size: 4, alpha: 0.1, ...t },
    { strategy: "early_stop", n: maxN, round_size: 4, alpha: 0.1, weighted: true, ...t },
  ];
  return [{ strategy: "greedy" }, ...sampling({}), ...temperatures.flatMap((temperature) => sampling({ temperature })), ...revisions];
}

export const DEFAULT_CALIBRATION: Omit<CalibrationOptions, "temperature" | "maxTokens" | "seed"> = {
  bins: 4,
  probe: { n: 4, max_share: 0.25 },
  bucketSamples: [1, 2, 4, 8, 16, 32],
  menu: defaultMenu(32, { chains: REVISION_CHAINS, length: REVISION_LENGTH }, OTHER_TEMPERATURES),
};

/** 1 − mean ORM score of a problem's first probe.n pool samples: what auto's probe would see. */
export function poolDifficulty(p: PoolProblem, probeN: number): number {
  return probeDifficulty(p.samples.slice(0, probeN).map((s) => s.orm)) ?? 1;
}

/** One sample's worst case in FLOPs at the split's median question: the unit the budget buckets are counted in. */
export function sampleFlops(problems: readonly PoolProblem[], maxTokens: number, models: CostModels): number {
  const worst = problems.map((p) => sampleWorst(p.question, maxTokens, models).flops).sort((a, b) => a - b);
  return worst[Math.floor(worst.length / 2)]!;
}

export interface Calibration {
  table: PolicyTable;
  measurements: QuestionMeasurement[];
  /** The fit's inputs apart from the measurements (unit, probe, bins, buckets, version). */
  shape: Omit<PolicyTable, "policy">;
  /** Calibration questions per bin. */
  binSizes: number[];
}

/** `names`: the models (policy, ORM, PRM, reviser) whose scores the pools hold; the table's version hashes them with
 * the rest. `pool` holds the samples at every temperature the menu names (withTemperatures). `revisions`: the
 * calibration problems' revision pools, needed when the menu holds revisions. */
export async function calibrate(
  pool: Pool,
  models: CostModels,
  o: CalibrationOptions,
  names: Record<string, string>,
  revisions?: ReadonlyMap<string, RevisionPoolProblem>,
): Promise<Calibration> {
  const { problems } = pool;
  const difficulty = problems.map((p) => poolDifficulty(p, o.probe.n));
  const thresholds = difficultyThresholds(difficulty, o.bins);
  const binOfProblem = difficulty.map((d) => binOf(d, thresholds));
  const unit = sampleFlops(problems, o.maxTokens, models);
  const buckets = o.bucketSamples.map((k) => Math.round(k * unit));
  const base = { n: 1, temperature: o.temperature, top_p: 1, seed: o.seed, max_tokens: o.maxTokens };
  const measurements: QuestionMeasurement[] = [];
  for (let bin = 0; bin < o.bins; bin++) {
    const mine = problems.filter((_, i) => binOfProblem[i] === bin);
    for (const config of o.menu) {
      const { strategy, ...knobs } = config;
      for (const budget of buckets) {
        // What auto's planned strategy sees: the samples after the probe's, under the budget the bucket starts at.
        const outcomes = await runOnPool(mine, strategy, { ...base, ...knobs, budget: { flops: budget } }, { models }, o.probe.n, revisions);
        const s = summarize(outcomes);
        measurements.push({
          bin, budget, config, accuracy: s.accuracy, spent: s.flops, questions: s.n,
          correct: outcomes.map((o) => o.correct), flopsEach: outcomes.map((o) => o.flops),
        });
      }
    }
  }
  const shape = {
    unit: "flops" as const,
    probe: o.probe,
    bin_thresholds: thresholds,
    default_bin: Math.floor(o.bins / 2),
    budget_buckets: buckets,
  };
  const version = `arith-${names.policy ?? "policy"}-${fnv1a(JSON.stringify({ meta: pool.meta, ...(pool.others ? { others: pool.others } : {}), names, shape, menu: o.menu, rule: FIT_RULE })).toString(16)}`;
  const table = fitWith({ version, ...shape }, measurements, FIT_RULE);
  return { table, measurements, shape: { version, ...shape }, binSizes: Array.from({ length: o.bins }, (_, b) => binOfProblem.filter((x) => x === b).length) };
}
