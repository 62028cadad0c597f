// The compute-optimal planner as pure functions: a difficulty probe at submit, then a strategy chosen per bin and budget.
import { spanFlops } from "../flops.js";
import { formatPrompt } from "../prompt.js";
import { type Amount, BudgetTooSmallError, fitsBudget, times } from "../strategies/budget.js";
import type { StrategyName } from "../api/jobs.js";
import type { Budget, CostModels } from "../strategies/types.js";
import { type PlannedParams, type StrategyConfig, canonicalConfig, plannedParams } from "./config.js";
import { binOf, probeDifficulty } from "./difficulty.js";
import { type PolicyTable, bucketOf } from "./policy.js";

export interface PlanWhy {
  version: string;
  bin: number;
  bucket: number;
  /** 1 − mean probe score; null when no probe was run (then `bin` is the table's default bin). */
  difficulty: number | null;
  entry: StrategyConfig;
}

export interface Plan {
  strategy: StrategyName;
  /** Knobs and the budget the strategy may spend (the probe's cost already taken off). */
  params: PlannedParams;
  why: PlanWhy;
}

/** At submit: either probe n samples first (worst case `worst`), or — when the budget cannot spare one — the plan itself. */
export type InitialPlan = { probe: { n: number; worst: Amount }; plan: null } | { probe: null; plan: Plan };

/**
 * Worst case of one probe sample and its verifier score (prompt billed in full, no cache): what planInitial weighs
 * the budget against, and the smallest unit any strategy needs. countTokens as in SearchContext.
 */
export function sampleWorst(
  question: string,
  maxTokens: number,
  models: CostModels = {},
  countTokens: (text: string) => number = (t) => [...t].length,
): Amount {
  const prompt = 1 + countTokens(formatPrompt(question));
  const { generator: g, scorer: s } = models;
  return {
    tokens: prompt + maxTokens + (prompt + maxTokens),
    flops: (g ? spanFlops(g, 0, prompt + maxTokens) : 0) + (s ? spanFlops(s, 0, prompt + maxTokens) : 0),
  };
}

/**
 * The probe the edge plans at submit: table.probe.n samples, fewer when they would take more than probe.max_share
 * of the budget or leave less than one sample's worth for the strategy itself; none when not even one fits that
 * way (then the default bin's entry is planned at once). No probe either when the probe could not change the plan:
 * every bin's entry at the whole budget's bucket is the same config (it is also what each bin's row says is best
 * with more budget than a probe would leave), so it runs at once under the whole budget. A budget below one sample
 * is a BudgetTooSmallError.
 */
export function planInitial(budget: Budget, table: PolicyTable, perSample: Amount): InitialPlan {
  if (!fitsBudget(perSample, budget)) throw new BudgetTooSmallError(budget, perSample);
  const bucket = bucketOf(budgetInTableUnit(budget, table, perSample), table);
  const entries = table.policy.map((row) => canonicalConfig(row[bucket]!));
  if (entries.every((e) => e === entries[0])) return { probe: null, plan: planFor(table.default_bin, null, budget, table, perSample) };
  const share: Budget = {
    ...(budget.tokens !== undefined ? { tokens: budget.tokens * table.probe.max_share } : {}),
    ...(budget.flops !== undefined ? { flops: budget.flops * table.probe.max_share } : {}),
  };
  let n = table.probe.n;
  while (n > 0 && !(fitsBudget(times(perSample, n), share) && fitsBudget(times(perSample, n + 1), budget))) n--;
  if (n === 0) return { probe: null, plan: planFor(table.default_bin, null, budget, table, perSample) };
  return { probe: { n, worst: times(perSample, n) }, plan: null };
}

/**
 * After the probe: its verifier scores predict the difficulty bin (1 − mean score against the table's thresholds;
 * no scores → the default bin), what is left of the budget picks the bucket, and the table's entry there is the
 * plan. `budgetLeft` is the job's budget less what the probe actually spent (remainingBudget(budget, spent)).
 */
export function planAfterProbe(probeScores: readonly number[], budgetLeft: Budget, table: PolicyTable, perSample?: Amount): Plan {
  const difficulty = probeDifficulty(probeScores);
  const bin = difficulty === null ? table.default_bin : binOf(difficulty, table.bin_thresholds);
  return planFor(bin, difficulty, budgetLeft, table, perSample);
}

/**
 * The budget as the table's buckets count it. A budget given only in the other unit would otherwise fall in the
 * last bucket (unlimited); with `perSample` (one sample's worst case) it is converted at that sample's
 * FLOPs-per-token ratio, so "N samples' worth of tokens" plans like "N samples' worth of FLOPs".
 */
export function budgetInTableUnit(budget: Budget, table: Pick<PolicyTable, "unit">, perSample?: Amount): Budget {
  if (budget[table.unit] !== undefined || !perSample || perSample.tokens <= 0 || perSample.flops <= 0) return budget;
  if (table.unit === "flops") return budget.tokens === undefined ? budget : { ...budget, flops: (budget.tokens * perSample.flops) / perSample.tokens };
  return budget.flops === undefined ? budget : { ...budget, tokens: (budget.flops * perSample.tokens) / perSample.flops };
}

function planFor(bin: number, difficulty: number | null, budget: Budget, table: PolicyTable, perSample?: Amount): Plan {
  const bucket = bucketOf(budgetInTableUnit(budget, table, perSample), table);
  const entry = table.policy[bin]?.[bucket];
  if (!entry) throw new RangeError(`policy table ${table.version} has no entry for bin ${bin}, bucket ${bucket}`);
  return { strategy: entry.strategy, params: plannedParams(entry, budget), why: { version: table.version, bin, bucket, difficulty, entry } };
}
