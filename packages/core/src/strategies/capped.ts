// The first strategies (greedy, best_of_n, majority) under a hard budget: n shrinks to what the budget can pay for.
import { formatPrompt } from "../prompt.js";
import { BudgetTooSmallError, Ledger, positiveInt } from "./budget.js";
import type { Strategy } from "./index.js";
import type { SearchContext, SearchParams, SearchResult } from "./types.js";

/** Whether a strategy scores its samples: always (best_of_n), when given a scorer (majority), never (greedy). */
export type Scoring = "always" | "optional" | "never";

export function capped(strategy: Strategy, scoring: Scoring, { single = false } = {}) {
  return async (question: string, params: SearchParams, ctx: SearchContext): Promise<SearchResult> => {
    const ledger = new Ledger(params.budget ?? {}, ctx);
    const prompt = formatPrompt(question);
    const verifier = scoring === "always" || (scoring === "optional" && ctx.scorer) ? "scorer" : null;
    const want = single ? 1 : positiveInt(params.n, "n");
    const n = ledger.most(want, (k) => ledger.samplesWorst(prompt, k, params.max_tokens, verifier));
    if (n === 0) throw new BudgetTooSmallError(ledger.budget, ledger.samplesWorst(prompt, 1, params.max_tokens, verifier));
    const result = await strategy(question, { ...params, n }, ledger.context());
    return {
      ...result,
      candidates: result.candidates.map((c) => ({ ...c, finished: true })),
      stopped: n < want ? "budget" : "done",
      cost: { ...ledger.spent },
    };
  };
}
