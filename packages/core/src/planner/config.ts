// What a policy entry names: one search strategy and its knobs, validated, and how that becomes the strategy's params.
import { z } from "zod";
import { LIMITS } from "../api/jobs.js";
import type { Budget, SearchParams, StrategyParams } from "../strategies/types.js";

const n = z.number().int().min(1).max(LIMITS.maxN);
/** A sampling strategy's entry may name the temperature it samples at (else the job's): the planner's knob too. */
const temperature = z.number().gt(0).max(2).optional();
const tree = {
  n,
  beam_width: z.number().int().min(1).max(LIMITS.maxN),
  max_rounds: z.number().int().min(1).max(64).optional(),
  step_tokens: z.number().int().min(1).max(LIMITS.maxTokens).optional(),
};

/** A strategy and its hyperparameters, as a policy table stores them (sampling params come from the job, but for a
 * sampling strategy's temperature when its entry names one). */
export const StrategyConfig = z
  .discriminatedUnion("strategy", [
    z.strictObject({ strategy: z.literal("greedy") }),
    z.strictObject({ strategy: z.literal("best_of_n"), n, temperature }),
    z.strictObject({ strategy: z.literal("majority"), n, temperature }),
    z.strictObject({ strategy: z.literal("weighted_best_of_n"), n, temperature }),
    z.strictObject({
      strategy: z.literal("anchored_majority"),
      n,
      anchor: z.number().int().min(1).max(LIMITS.maxN).optional(),
      weighted: z.boolean().optional(),
      temperature,
    }),
    z.strictObject({ strategy: z.literal("beam_search"), ...tree }),
    z.strictObject({ strategy: z.literal("lookahead"), ...tree, lookahead: z.number().int().min(0).max(8) }),
    z.strictObject({ strategy: z.literal("dvts"), ...tree }),
    z.strictObject({
      strategy: z.literal("early_stop"),
      n,
      round_size: z.number().int().min(1).max(LIMITS.maxN),
      alpha: z.number().gt(0).lt(1),
      weighted: z.boolean().optional(),
      temperature,
    }),
    z.strictObject({
      strategy: z.literal("revisions"),
      n,
      chains: z.number().int().min(1).max(LIMITS.maxN),
      revision_select: z.enum(["verifier", "majority"]).optional(),
    }),
  ])
  .refine((c) => !("beam_width" in c) || c.beam_width <= c.n, { message: "beam_width must not exceed n", path: ["beam_width"] })
  .refine((c) => !("chains" in c) || c.chains <= c.n, { message: "chains must not exceed n", path: ["chains"] });
export type StrategyConfig = z.infer<typeof StrategyConfig>;

/** The knobs of a planned strategy plus the budget it may spend. */
export type PlannedParams = Partial<
  Pick<SearchParams, "n" | "beam_width" | "lookahead" | "max_rounds" | "step_tokens" | "round_size" | "alpha" | "weighted" | "chains" | "revision_select" | "anchor" | "temperature"
  >
> & { budget: Budget };

/** A config as JSON with sorted keys: equal configs give equal strings. */
export function canonicalConfig(config: StrategyConfig): string {
  return JSON.stringify(Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

export function plannedParams(config: StrategyConfig, budget: Budget): PlannedParams {
  const { strategy: _, ...knobs } = config;
  return { ...knobs, budget };
}

/** The job's sampling params with a plan's knobs and budget on top: what runSearch takes. */
export function searchParamsOf(params: PlannedParams, base: StrategyParams): SearchParams {
  return { ...base, ...params };
}
