// Compute credits: what a job may spend (reserved at submit) and what its usage costs (settled when it ends).

/** One credit per token the models process: prompt, generated and verifier tokens alike. */
export interface CreditUsage {
  promptTokens: number;
  generatedTokens: number;
  verifierTokens: number;
}

/** Room for the prompt template around a question, in tokens (the tokenizer is per character). */
export const PROMPT_OVERHEAD_TOKENS = 512;

/** Credits a usage costs. */
export function creditsForUsage(u: CreditUsage): number {
  return Math.ceil(Math.max(0, u.promptTokens) + Math.max(0, u.generatedTokens) + Math.max(0, u.verifierTokens));
}

/**
 * The most a job can cost, reserved when it is submitted: every sample reads the prompt and writes up to
 * `max_tokens`, and the verifier reads each candidate with its question once more. A job is never billed above it.
 */
export function jobCreditBudget(params: { n: number; max_tokens: number }, question: string): number {
  const prompt = question.length + PROMPT_OVERHEAD_TOKENS;
  return params.n * 2 * (prompt + params.max_tokens);
}

/** The calendar month (UTC) credits are counted in, as `YYYY-MM`. */
export function creditPeriod(at: Date = new Date()): string {
  return at.toISOString().slice(0, 7);
}
