// auto: the compute-optimal planner at work — probe, predict the difficulty bin, run the policy table's strategy there.
import { type Plan, planAfterProbe, planInitial, sampleWorst } from "../planner/plan.js";
import { searchParamsOf } from "../planner/config.js";
import { addCost, amountOf, remainingBudget } from "./budget.js";
import { SEARCH_VERIFIERS, runSearch } from "./search.js";
import type { SearchContext, SearchCost, SearchParams, SearchResult } from "./types.js";

/** What `auto` decided and why: the probe (if any), the predicted bin and the table entry that was run. */
export interface AutoReport extends Plan {
  probe: { n: number; scores: number[]; answers: (string | null)[]; cost: SearchCost } | null;
}

export interface AutoResult extends SearchResult {
  plan: AutoReport;
}

/** The seed the planned strategy samples with: not the probe's, so its samples are new draws. */
export const planSeed = (seed: number) => (seed + 0x9e37) % 2 ** 31;

/**
 * Snell et al. 2024's compute-optimal scaling. (1) Probe: planInitial decides how many samples the budget can spare
 * (table.probe, at most max_share of it); they are drawn and scored by the outcome verifier, exactly as best_of_n
 * would (their cost counts against the budget). (2) planAfterProbe maps 1 − mean probe score to a difficulty bin and
 * what is left of the budget to a bucket; the table's entry there is the plan. (3) The planned strategy runs under
 * the rest of the budget. The result is the planned strategy's, with the probe's cost added and the plan reported.
 */
export async function auto(question: string, params: SearchParams, ctx: SearchContext): Promise<AutoResult> {
  const table = ctx.policyTable;
  if (!table) throw new Error("auto needs a policy table (ctx.policyTable)");
  if (!params.budget) throw new RangeError("auto needs a budget");
  if (!ctx.scorer) throw new Error("auto needs a scorer for its difficulty probe");
  const perSample = sampleWorst(question, params.max_tokens, ctx.models, ctx.countTokens);
  const initial = planInitial(params.budget, table, perSample);

  let probe: AutoReport["probe"] = null;
  let plan = initial.plan;
  if (initial.probe) {
    const { n } = initial.probe;
    const probed = await runSearch("best_of_n", question, { ...params, n, temperature: params.temperature || 1 }, ctx);
    const { cost } = probed;
    probe = {
      n,
      scores: probed.candidates.map((c) => c.score ?? 0),
      answers: probed.candidates.map((c) => c.answer),
      cost,
    };
    plan = planAfterProbe(probe.scores, remainingBudget(params.budget, amountOf(cost)), table, perSample);
  }
  if (!plan) throw new Error("unreachable: planInitial returns a probe or a plan");
  const { strategy } = plan;
  // The planned strategy gets only the verifiers it reads (majority would otherwise pay to score for tie-breaks).
  const uses = SEARCH_VERIFIERS[strategy];
  const planCtx = { ...ctx, scorer: uses.scorer ? ctx.scorer : undefined, stepScorer: uses.stepScorer ? ctx.stepScorer : undefined };
  const result = await runSearch(strategy, question, searchParamsOf(plan.params, { ...params, seed: planSeed(params.seed) }), planCtx);
  return { ...result, cost: probe ? addCost(result.cost, probe.cost) : result.cost, plan: { ...plan, probe } };
}
