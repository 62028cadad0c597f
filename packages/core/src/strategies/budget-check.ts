// The edge refuses, at submit, a budget too small for a strategy's first unit of work — decided by the strategy itself.
import type { StrategyName } from "../api/jobs.js";
import { BudgetTooSmallError } from "./budget.js";
import { SEARCH_VERIFIERS, runSearch } from "./search.js";
import type { PolicyTable } from "../planner/policy.js";
import type { CostModels, SearchParams } from "./types.js";

/** Thrown by the dry run's sampler and verifiers: the strategy got as far as launching work, so the budget fits it. */
class WouldRun extends Error {}

const refuse = (): Promise<never> => Promise.reject(new WouldRun());

/**
 * The BudgetTooSmallError the strategy would throw before spending anything, or null when its first unit of work
 * fits. It runs the strategy on a sampler and verifiers that refuse every call: each strategy checks the worst case
 * of its first call against the budget before making it, so this is the worker's check exactly, and no model runs.
 * Without `models` FLOPs cannot be estimated, so only `budget.tokens` is checked (the worker checks the rest).
 */
export async function budgetTooSmall(
  strategy: StrategyName,
  question: string,
  params: SearchParams,
  options: { models?: CostModels; countTokens?: (text: string) => number; policyTable?: PolicyTable } = {},
): Promise<BudgetTooSmallError | null> {
  const { budget } = params;
  if (!budget) return null;
  const checked = options.models?.generator ? budget : budget.tokens !== undefined ? { tokens: budget.tokens } : null;
  if (!checked) return null;
  // The same verifiers the worker gives the strategy (majority and early_stop behave differently with a scorer).
  const uses = SEARCH_VERIFIERS[strategy];
  try {
    await runSearch(strategy, question, { ...params, budget: checked }, {
      sampler: { sample: refuse },
      reviser: { sample: refuse },
      ...(uses.scorer ? { scorer: { score: refuse } } : {}),
      ...(uses.stepScorer ? { stepScorer: { scoreSteps: refuse } } : {}),
      ...(options.models ? { models: options.models } : {}),
      ...(options.countTokens ? { countTokens: options.countTokens } : {}),
      ...(options.policyTable ? { policyTable: options.policyTable } : {}),
    });
  } catch (err) {
    if (err instanceof BudgetTooSmallError) return err;
    if (err instanceof WouldRun) return null;
    throw err;
  }
  return null;
}
