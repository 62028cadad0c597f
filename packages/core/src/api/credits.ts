// Compute credits: what a job may spend (reserved at submit) and what its usage costs (settled when it ends).
import { REVISION_WINDOW } from "../prompt.js";
import { DEFAULT_LOOKAHEAD } from "../strategies/lookahead.js";
import { DEFAULT_MAX_ROUNDS } from "../strategies/tree-search.js";
import type { PolicyTable } from "../planner/policy.js";
import type { StrategyName } from "./jobs.js";

/** One credit per token the models process: prompt, generated and verifier tokens alike. */
export interface CreditUsage {
  promptTokens: number;
  generatedTokens: number;
  verifierTokens: number;
}

/** Room for the prompt template around a question, in tokens (the tokenizer is per character). */
export const PROMPT_OVERHEAD_TOKENS = 512;

/** An earlier attempt's header and newlines in a revision prompt, in tokens ("Attempt:\n" … "\n", "Revision:\n"). */
const REVISION_HEADER_TOKENS = 12;

/** Credits a usage costs. */
export function creditsForUsage(u: CreditUsage): number {
  return Math.ceil(Math.max(0, u.promptTokens) + Math.max(0, u.generatedTokens) + Math.max(0, u.verifierTokens));
}

/** What of a job's params its credit reservation depends on. */
export interface CreditParams {
  n: number;
  max_tokens: number;
  budget?: { tokens?: number };
  max_rounds?: number;
  lookahead?: number;
}

/**
 * The most a job can cost, reserved when it is submitted; a job is never billed above it. Sampling strategies: every
 * sample reads the prompt and writes up to `max_tokens`, and the verifier reads each candidate with its question
 * once more (anchored_majority: n + 1 samples, the greedy one too). Tree searches: each of up to max_rounds rounds
 * expands at most n paths, and each new step costs at most its path's prompt (under prompt + max_tokens + one newline
 * per round), up to max_tokens generated, k lookahead rollouts (each a prompt that long, their generated tokens within
 * max_tokens) and one PRM read of the path. A token budget caps it all: the strategies never spend more tokens than it
 * (prompt + generated + verifier, as credits count).
 */
export function jobCreditBudget(
  params: CreditParams,
  question: string,
  strategy: StrategyName = "best_of_n",
  table?: Pick<PolicyTable, "probe" | "policy">,
): number {
  if (strategy === "auto") {
    // The probe (best_of_n of probe.n), then the costliest entry of the table the job plans with.
    if (!table) throw new Error("auto's credit budget needs its policy table");
    const probe = jobCreditBudget({ ...params, n: table.probe.n, budget: undefined }, question, "best_of_n");
    const entries = table.policy.flat().map((e) => jobCreditBudget({ ...params, ...e, budget: undefined }, question, e.strategy));
    return Math.min(probe + Math.max(0, ...entries), params.budget?.tokens ?? Number.POSITIVE_INFINITY);
  }
  const prompt = question.length + PROMPT_OVERHEAD_TOKENS;
  let worst = params.n * 2 * (prompt + params.max_tokens);
  // anchored_majority decodes greedily once beside its n samples.
  if (strategy === "anchored_majority") worst = (params.n + 1) * 2 * (prompt + params.max_tokens);
  if (strategy === "revisions") {
    // Each attempt's prompt may also hold the REVISION_WINDOW earlier attempts (each under max_tokens + a header line).
    worst = params.n * (2 * (prompt + params.max_tokens) + REVISION_WINDOW * (params.max_tokens + REVISION_HEADER_TOKENS));
  }
  if (strategy === "beam_search" || strategy === "lookahead" || strategy === "dvts") {
    const rounds = params.max_rounds ?? DEFAULT_MAX_ROUNDS;
    const k = strategy === "lookahead" ? (params.lookahead ?? DEFAULT_LOOKAHEAD) : 0;
    const path = prompt + params.max_tokens + rounds + k;
    worst = rounds * params.n * ((k + 2) * path + 2 * params.max_tokens);
  }
  return Math.min(worst, params.budget?.tokens ?? Number.POSITIVE_INFINITY);
}

/** The calendar month (UTC) credits are counted in, as `YYYY-MM`. */
export function creditPeriod(at: Date = new Date()): string {
  return at.toISOString().slice(0, 7);
}
