// The engine's request and result shapes: token-level, so strategies, HARP and batching can share one engine.
import type { FinishReason, SampleParams } from "@thinktime/core";

export type { FinishReason };
export type SamplingParams = SampleParams;

/** "vanilla" samples from the model's logits; "harp" reframes hesitant steps (see harp.ts). */
export type GenerationMode = "vanilla" | "harp";

/** HARP settings (Storaï & Hwang 2024); every field has the paper's default. */
export interface HarpParams {
  /** Reframe when the entropy (bits) of the raw next-token distribution exceeds theta. Default 1.0. */
  theta?: number;
  /** Dropout probability on every input-embedding element, no 1/(1−δ) rescaling. Default 0.2. */
  delta?: number;
  /** Mix: β·original + (1−β)·reframed raw logits. Default 0.5. */
  beta?: number;
  /**
   * "faithful": the paper, the whole sequence re-run without KV cache, every position perturbed.
   * "cached": Thinktime's cheaper variant, only the last `window` positions perturbed and re-run on the cached KV.
   * Default "faithful".
   */
  variant?: "faithful" | "cached";
  /** Positions perturbed by the cached variant. Default 8. */
  window?: number;
}

export interface GenerateRequest {
  /** Token ids of the prompt, BOS included (tokenizer.encode(formatPrompt(q))). */
  prompt: number[];
  params: SamplingParams;
  /** Who asked: admission is round-robin across tenants, so one tenant's backlog cannot starve another. */
  tenant?: string;
  /** Default "vanilla". */
  mode?: GenerationMode;
  /** Settings of mode "harp" (ignored otherwise). */
  harp?: HarpParams;
  /** Report each generated token's raw-logit entropy in bits (SampleOutput.entropy). Default false. */
  entropy?: boolean;
}

export interface SampleOutput {
  /** Generated ids, the EOS included when the model wrote it. */
  tokens: number[];
  /** Decoded text without special tokens and without the stop string. */
  text: string;
  /** log p(token) under the model (temperature 1, no filtering), one per generated token. */
  logprobs: number[];
  finishReason: FinishReason;
  /**
   * FLOPs of this sample's generated tokens, spanFlops(model, P, P + tokens.length), plus its HARP reframes
   * (faithful: spanFlops(0, L) each; cached: spanFlops(L − w, L) each, L the sequence length at the step).
   */
  flops: number;
  /** HARP reframing passes this sample ran (0 in vanilla mode; at most one per token). */
  reframes: number;
  /** The part of `flops` those reframes cost. */
  reframeFlops: number;
  /** Entropy in bits of the raw next-token distribution at each generated token; only when the request asked. */
  entropy?: number[];
}

export interface GenerateResult {
  promptTokens: number;
  /** FLOPs of the prompt, computed once for all n samples: spanFlops(model, 0, P). */
  promptFlops: number;
  samples: SampleOutput[];
}

export interface GenerateOptions {
  /** Checked before every forward pass; on abort generate rejects with GenerationAborted. */
  signal?: AbortSignal;
}

export interface SpentUsage {
  promptTokens: number;
  generatedTokens: number;
  flops: number;
}

/** generate() was aborted; `spent` is the work done before it stopped, for billing. */
export class GenerationAborted extends Error {
  override readonly name = "GenerationAborted";
  constructor(
    readonly spent: SpentUsage,
    readonly reason: unknown,
  ) {
    super(`generation aborted: ${reason instanceof Error ? reason.message : String(reason ?? "aborted")}`);
  }
}

/** A request the engine cannot run (prompt too long, bad params). */
export class InvalidRequest extends Error {
  override readonly name = "InvalidRequest";
  constructor(
    readonly code: "prompt_too_long" | "invalid_request" | "harp_unsupported",
    message: string,
  ) {
    super(message);
  }
}
