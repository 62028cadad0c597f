// The interfaces strategies run against: a Sampler (the policy model) and a Scorer (the verifier), plus results.

export type FinishReason = "stop" | "length";

/** How to sample: shared by strategies (StrategyParams) and the engine (its SamplingParams). */
export interface SampleParams {
  /** Number of completions of this prompt. */
  n: number;
  /** 0 = greedy (argmax). */
  temperature: number;
  /** Nucleus mass in (0, 1]. */
  top_p: number;
  /** Keep only the k most likely tokens (unset or 0 = all). */
  top_k?: number;
  /** Sample i draws from its own seed derived from (seed, i), whatever else shares the batch. */
  seed: number;
  max_tokens: number;
  /** Generation ends at the first occurrence of any of these; the text excludes it. */
  stop?: string[];
}

export interface SampledCompletion {
  text: string;
  /** Number of generated tokens (EOS included when the model wrote it). */
  tokens: number;
  /** Sum of the generated tokens' log-probabilities under the model. */
  logprob: number;
  finishReason: FinishReason;
  /** FLOPs of this completion's generated tokens (the shared prompt is billed once, in SampleBatch). */
  flops: number;
}

export interface SampleBatch {
  promptTokens: number;
  /** FLOPs of the prompt prefill, spent once for all n completions. */
  promptFlops: number;
  completions: SampledCompletion[];
}

export interface CallOptions {
  /** Aborting stops the work early; the callee rejects. */
  signal?: AbortSignal;
}

/** Samples n completions of a prompt (already formatted, see formatPrompt) from the policy model. */
export interface Sampler {
  sample(prompt: string, params: SampleParams, options?: CallOptions): Promise<SampleBatch>;
}

export interface ScoreItem {
  question: string;
  solution: string;
}

/** Scores (question, solution) pairs: P(correct) in [0, 1] per item, plus the tokens the scorer read. */
export interface Scorer {
  score(items: ScoreItem[], options?: CallOptions): Promise<{ scores: number[]; tokens: number }>;
}

export interface StrategyCandidate extends SampledCompletion {
  index: number;
  /** Normalized final answer (normalizeAnswer(extractAnswer(text))), or null when the text holds none. */
  answer: string | null;
  /** Verifier score, when the strategy asked for one. */
  score: number | null;
}

export interface StrategyCost {
  prompt_tokens: number;
  generated_tokens: number;
  verifier_tokens: number;
  flops: number;
}

export interface StrategyResult {
  /** The chosen normalized answer, or null when no candidate holds a parsable answer. */
  answer: string | null;
  /** Index of the chosen candidate, or null when none was chosen. */
  chosen: number | null;
  candidates: StrategyCandidate[];
  /** majority: votes per normalized answer; best_of_n: best score per normalized answer; greedy: {answer: 1}. */
  votes: Record<string, number>;
  cost: StrategyCost;
}

export interface StrategyContext {
  sampler: Sampler;
  /** Needed by best_of_n; optional for majority (breaks ties by total score); unused by greedy. */
  scorer?: Scorer;
  signal?: AbortSignal;
}

/** The strategy-facing part of JobParams (the job's resolved params). */
export type StrategyParams = SampleParams;
