// What every verifier offers the routes: outcome models score whole solutions, process models score each step.
import type { Aggregation } from "../aggregate.js";

export interface VerifyItem {
  question: string;
  solution: string;
  reference_answer?: string;
}

export interface Usage {
  /** Real tokens of the scored sequences, BOS included (0 for the exact checkers). */
  tokens: number;
  /** Tokens actually run through the model: fewer than `tokens` when prefixes came from the KV cache. */
  tokens_run: number;
  /** Tokens whose KV state was reused from the cache. */
  cached_tokens: number;
}

export const noUsage = (): Usage => ({ tokens: 0, tokens_run: 0, cached_tokens: 0 });

/** A model's size as its config.json gives it: what a caller needs to price its tokens in FLOPs. */
export interface ModelShape {
  num_parameters: number;
  num_hidden_layers: number;
  hidden_size: number;
}

export interface OutcomeVerifier {
  readonly name: string;
  readonly kind: "outcome";
  readonly maxTokens?: number;
  /** Absent for the exact checkers (no model). */
  readonly shape?: ModelShape | undefined;
  /** One score in [0, 1] per item. Throws ApiError for items it cannot score (400/413). */
  scoreOutcomes(items: readonly VerifyItem[]): Promise<{ scores: number[]; usage: Usage }>;
  close?(): Promise<void>;
}

export interface ProcessVerifier {
  readonly name: string;
  readonly kind: "process";
  readonly maxTokens?: number;
  readonly shape?: ModelShape | undefined;
  /** How /v1/score folds step scores when the request names no aggregation. */
  readonly defaultAggregation: Aggregation;
  /** Per item, one score in [0, 1] per non-blank step (split at `delimiter`). Throws ApiError on bad items. */
  scoreSteps(items: readonly VerifyItem[], delimiter: string): Promise<{ steps: number[][]; usage: Usage }>;
  close?(): Promise<void>;
}

export type Verifier = OutcomeVerifier | ProcessVerifier;
