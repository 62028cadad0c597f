// Running a strategy over many problems and summarizing: accuracy and mean FLOPs, overall and by difficulty bin.
import {
  BudgetTooSmallError, SEARCH_VERIFIERS, type SearchContext, type SearchParams, type SearchResult, type StrategyName, answersEqual, runSearch,
} from "@thinktime/core";
import type { PoolProblem } from "./pool.js";
import { replayContext } from "./replay.js";
import type { RevisionPoolProblem } from "./revision-pool.js";

export interface Outcome {
  id: string;
  steps: number;
  correct: boolean;
  /** Generator + verifier FLOPs the run spent (0 when the budget could not start it). */
  flops: number;
  tokens: number;
  result: SearchResult | null;
}

export interface Summary {
  accuracy: number;
  flops: number;
  n: number;
}

export function summarize(outcomes: readonly Outcome[]): Summary {
  const n = outcomes.length;
  if (n === 0) return { accuracy: Number.NaN, flops: Number.NaN, n: 0 };
  return {
    accuracy: outcomes.filter((o) => o.correct).length / n,
    flops: outcomes.reduce((a, o) => a + o.flops, 0) / n,
    n,
  };
}

/** One run's outcome; a budget too small to start counts as a wrong answer that spent nothing. */
export async function runOne(
  problem: Pick<PoolProblem, "id" | "steps" | "question" | "answer">,
  name: StrategyName,
  params: SearchParams,
  ctx: SearchContext,
): Promise<Outcome> {
  try {
    const result = await runSearch(name, problem.question, params, ctx);
    const c = result.cost;
    return {
      id: problem.id, steps: problem.steps, correct: answersEqual(result.answer, problem.answer), flops: c.flops,
      tokens: c.prompt_tokens + c.generated_tokens + c.verifier_tokens, result,
    };
  } catch (err) {
    if (!(err instanceof BudgetTooSmallError)) throw err;
    return { id: problem.id, steps: problem.steps, correct: false, flops: 0, tokens: 0, result: null };
  }
}

/** A sampling strategy, revisions (given the problems' revision pools) or auto on every pool problem, replayed from
 * sample `offset` on, with the verifiers the worker would give it (SEARCH_VERIFIERS: majority gets no scorer). */
export async function runOnPool(
  problems: readonly PoolProblem[],
  name: StrategyName,
  params: SearchParams,
  extra: Omit<SearchContext, "sampler" | "scorer" | "stepScorer" | "reviser">,
  offset = 0,
  revisions?: ReadonlyMap<string, RevisionPoolProblem>,
): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const p of problems) {
    // auto gets the scorer for its probe whatever it then plans (auto's own entry in SEARCH_VERIFIERS).
    const ctx = replayContext(p, extra, offset, SEARCH_VERIFIERS[name], revisions?.get(p.id));
    out.push(await runOne(p, name, params, ctx));
  }
  return out;
}
