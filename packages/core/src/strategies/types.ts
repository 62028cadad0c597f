// The interfaces strategies run against: a Sampler (the policy model) and a Scorer (the verifier), plus results.
import type { FlopsModel } from "../flops.js";
import type { PolicyTable } from "../planner/policy.js";

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

/** What the final pickers read of a candidate (so offline metrics can run the same pickers on scored samples). */
export type Ballot = Pick<StrategyCandidate, "index" | "answer" | "score">;

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

// ---- Step-level search (Snell et al. 2024 §5): a process verifier, budgets, trees. ----

/** A (partial) solution as steps: one step per line, the final one `Answer: N`; no step is blank. */
export interface StepScoreItem {
  question: string;
  steps: string[];
}

/**
 * Scores every step prefix of each item with a process reward model: per item, one score in [0, 1] per step (the
 * probability that this prefix still leads to a right answer), plus the tokens the scorer read. Mirrors the
 * verifier's `POST /v1/score-steps` (`step_scores`, `usage.tokens`) with the steps joined by "\n".
 */
export interface StepScorer {
  scoreSteps(items: StepScoreItem[], options?: CallOptions): Promise<{ scores: number[][]; tokens: number }>;
}

/**
 * A hard cap on what a strategy may spend. `tokens` counts prompt + generated + verifier tokens; `flops` counts
 * generator and verifier FLOPs. An absent field does not limit.
 */
export interface Budget {
  flops?: number;
  tokens?: number;
}

export interface SearchCost extends StrategyCost {
  /** The verifiers' share of `flops` (which is generator + verifier FLOPs). */
  verifier_flops: number;
}

/** One step in a search tree. */
export interface SearchNode {
  id: number;
  /** The node this step continues; null for a first step. */
  parent: number | null;
  step: string;
  /** PRM score of the path ending here (lookahead: at the end of its rollout); null when not scored. */
  score: number | null;
  depth: number;
  /** The path ends here: `Answer:` written, EOS, a blank step, or out of tokens. */
  finished: boolean;
  finishReason: FinishReason;
  tokens: number;
  logprob: number;
  flops: number;
  /** DVTS: which independent subtree the node belongs to (0 otherwise). */
  subtree: number;
  /** Lookahead: the greedy steps rolled out past this one to score it (not part of the path). */
  rollout?: string[];
}

export interface SearchCandidate extends StrategyCandidate {
  /** The tree node the candidate's path ends at, when a tree search produced it. */
  node?: number;
  /** False only for paths still open when the search stopped (used only when none finished). */
  finished: boolean;
}

export type StopReason = "done" | "finished" | "rounds" | "budget" | "settled" | "samples";

export interface SearchResult extends StrategyResult {
  candidates: SearchCandidate[];
  /** Tree searches: every node generated, in creation order (ids are indices). */
  tree?: SearchNode[];
  /** Why the strategy stopped spending: all planned work "done", all paths "finished", out of "rounds", "budget", vote "settled", or max "samples". */
  stopped: StopReason;
  cost: SearchCost;
}

/** FLOPs shapes of the models behind the context's sampler and verifiers (needed to count and cap FLOPs). */
export interface CostModels {
  generator?: FlopsModel;
  scorer?: FlopsModel;
  stepScorer?: FlopsModel;
  /** The revision policy behind SearchContext.reviser. */
  reviser?: FlopsModel;
}

export interface SearchContext extends StrategyContext {
  /** Needed by the step-level searches (beam_search, lookahead, dvts). */
  stepScorer?: StepScorer;
  models?: CostModels;
  /** Tokens of a text without BOS, as the models tokenize it; default: one per character (the zoo's tokenizer). */
  countTokens?: (text: string) => number;
  /** `revisions`: the policy trained to revise (models/revise), which writes every attempt of a chain. */
  reviser?: Sampler;
  /** The reviser's context length: earlier attempts that would not leave max_tokens of room are left out. */
  reviserContext?: number;
  /** `auto`: the compute-optimal policy table it plans with. */
  policyTable?: PolicyTable;
}

/** A strategy's params for the search strategies: sampling, the budget, and each search's knobs. */
export interface SearchParams extends StrategyParams, SearchKnobs {
  budget?: Budget;
}

/** Each search's knobs; a job stores only those its request named (the strategy applies its defaults to the rest). */
export interface SearchKnobs {
  /** beam_search, lookahead, dvts: M, children per kept prefix (beam search keeps n / M; DVTS runs n / M subtrees). */
  beam_width?: number;
  /** lookahead: k, greedy steps rolled out before scoring a step (0 = beam search). */
  lookahead?: number;
  /** Tree searches: the most steps a path may take. */
  max_rounds?: number;
  /** Tree searches: max tokens of one step (max_tokens still caps the whole path). */
  step_tokens?: number;
  /** early_stop: samples per round. */
  round_size?: number;
  /** early_stop: stop once the leader beats the runner-up with confidence 1 − alpha. */
  alpha?: number;
  /** early_stop: weight votes by verifier score (needs a scorer; default: when a scorer is given). anchored_majority:
   * by the PRM's last-step score (needs a step scorer; default false). */
  weighted?: boolean;
  /** revisions: parallel chains the n attempts split into (default ceil(n / 4): chains of 4). */
  chains?: number;
  /** revisions: "verifier" (best per chain by the ORM, then weighted across chains; default) or "majority" over all. */
  revision_select?: "verifier" | "majority";
  /** anchored_majority: votes the greedy answer counts for beside the n samples (default ceil(n / 4)). */
  anchor?: number;
}
