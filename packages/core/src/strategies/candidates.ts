// Shared steps of every strategy: sample, extract answers, optionally score, and add up the cost.
import { extractAnswer, normalizeAnswer } from "../answers.js";
import { formatPrompt } from "../prompt.js";
import type {
  SampleBatch, SampleParams, Scorer, StrategyCandidate, StrategyContext, StrategyCost, StrategyParams,
} from "./types.js";

export function answerOf(text: string): string | null {
  const raw = extractAnswer(text);
  return raw === null ? null : normalizeAnswer(raw);
}

/** The sampling fields of a strategy's params, as a sample call takes them (optional ones only when set). */
export function sampleParamsOf(params: StrategyParams): SampleParams {
  return {
    n: params.n,
    temperature: params.temperature,
    top_p: params.top_p,
    seed: params.seed,
    max_tokens: params.max_tokens,
    ...(params.top_k !== undefined ? { top_k: params.top_k } : {}),
    ...(params.stop !== undefined ? { stop: params.stop } : {}),
  };
}

export interface Sampled {
  batch: SampleBatch;
  candidates: StrategyCandidate[];
}

/** Samples params.n completions of the question's prompt and parses each one's answer. */
export async function sampleCandidates(
  question: string,
  params: StrategyParams,
  ctx: StrategyContext,
  overrides: Partial<SampleParams> = {},
): Promise<Sampled> {
  const sampleParams: SampleParams = { ...sampleParamsOf(params), ...overrides };
  if (!Number.isInteger(sampleParams.n) || sampleParams.n < 1) throw new RangeError("n must be a positive integer");
  const batch = await ctx.sampler.sample(formatPrompt(question), sampleParams, { signal: ctx.signal });
  if (batch.completions.length !== sampleParams.n) {
    throw new Error(`sampler returned ${batch.completions.length} completions, expected ${sampleParams.n}`);
  }
  const candidates = batch.completions.map((c, index) => ({ ...c, index, answer: answerOf(c.text), score: null }));
  return { batch, candidates };
}

/** Asks the scorer for every candidate's score (in place); returns the scorer's token count. */
export async function scoreCandidates(
  question: string,
  candidates: StrategyCandidate[],
  scorer: Scorer,
  signal?: AbortSignal,
): Promise<number> {
  if (candidates.length === 0) return 0;
  const { scores, tokens } = await scorer.score(
    candidates.map((c) => ({ question, solution: c.text })),
    { signal },
  );
  if (scores.length !== candidates.length) {
    throw new Error(`scorer returned ${scores.length} scores for ${candidates.length} items`);
  }
  candidates.forEach((c, i) => {
    const s = scores[i];
    c.score = typeof s === "number" && Number.isFinite(s) ? s : null;
  });
  return tokens;
}

export function costOf(batch: SampleBatch, candidates: StrategyCandidate[], verifierTokens: number): StrategyCost {
  return {
    prompt_tokens: batch.promptTokens,
    generated_tokens: candidates.reduce((a, c) => a + c.tokens, 0),
    verifier_tokens: verifierTokens,
    flops: batch.promptFlops + candidates.reduce((a, c) => a + c.flops, 0),
  };
}
