// The compute-optimal policy table: difficulty bins × budget buckets → the strategy that did best there, versioned.
import { z } from "zod";
import { LIMITS } from "../api/jobs.js";
import type { Budget } from "../strategies/types.js";
import { StrategyConfig } from "./config.js";

export const PolicyTable = z
  .strictObject({
    version: z.string().min(1).max(100),
    /** What the budget buckets measure. */
    unit: z.enum(["flops", "tokens"]),
    /** The difficulty probe: n samples scored by the verifier, using at most max_share of the job's budget. */
    probe: z.strictObject({ n: z.number().int().min(1).max(LIMITS.maxN), max_share: z.number().gt(0).max(1) }),
    /** Ascending difficulty (1 − mean probe score) edges: bin i holds [t(i−1), t(i)); bins = thresholds + 1. */
    bin_thresholds: z.array(z.number().min(0).max(1)).max(15),
    /** The bin planned for when no probe was run. */
    default_bin: z.number().int().min(0),
    /** Strictly ascending lower edges of the budget buckets, in `unit`. */
    budget_buckets: z.array(z.number().min(0)).min(1).max(32),
    /** policy[bin][bucket]: the best strategy and knobs measured there. */
    policy: z.array(z.array(StrategyConfig)),
  })
  .superRefine((t, ctx) => {
    const bins = t.bin_thresholds.length + 1;
    const issue = (message: string, path: (string | number)[]) => ctx.addIssue({ code: "custom", message, path });
    t.bin_thresholds.forEach((v, i) => {
      if (i > 0 && v < t.bin_thresholds[i - 1]!) issue("bin_thresholds must be ascending", ["bin_thresholds", i]);
    });
    t.budget_buckets.forEach((v, i) => {
      if (i > 0 && v <= t.budget_buckets[i - 1]!) issue("budget_buckets must be strictly ascending", ["budget_buckets", i]);
    });
    if (t.default_bin >= bins) issue(`default_bin must be below ${bins}`, ["default_bin"]);
    if (t.policy.length !== bins) issue(`policy needs ${bins} rows (one per bin)`, ["policy"]);
    t.policy.forEach((row, i) => {
      if (row.length !== t.budget_buckets.length) issue(`policy[${i}] needs one entry per budget bucket`, ["policy", i]);
    });
  });
export type PolicyTable = z.infer<typeof PolicyTable>;

/** The bucket of a budget: the last whose lower edge it reaches (the first when below all); unlimited → the last. */
export function bucketOf(budget: Budget, table: Pick<PolicyTable, "unit" | "budget_buckets">): number {
  const value = budget[table.unit];
  if (value === undefined) return table.budget_buckets.length - 1;
  let bucket = 0;
  table.budget_buckets.forEach((edge, i) => {
    if (value >= edge) bucket = i;
  });
  return bucket;
}
