// The engine as the strategies' Sampler: formats nothing (the strategy did), tokenizes, generates, summarizes.
import type { SampleBatch, SampleParams, Sampler } from "@thinktime/core";
import type { Engine, GenerateResult, GenerationMode, HarpParams } from "./engine/index.js";

/** Request fields the strategies' SampleParams do not carry: who asks (fair admission) and how to decode. */
export interface EngineSamplerOptions {
  tenant?: string;
  mode?: GenerationMode;
  harp?: HarpParams;
  /** Sees every engine result (the worker sums HARP's reframes from it). */
  onResult?: (result: GenerateResult) => void;
}

export function engineSampler(engine: Engine, { onResult, ...extra }: EngineSamplerOptions = {}): Sampler {
  return {
    async sample(prompt: string, params: SampleParams, options = {}): Promise<SampleBatch> {
      const result = await engine.submit(
        { prompt: engine.tokenizer.encode(prompt), params, ...extra },
        options.signal ? { signal: options.signal } : {},
      );
      onResult?.(result);
      return {
        promptTokens: result.promptTokens,
        promptFlops: result.promptFlops,
        completions: result.samples.map((s) => ({
          text: s.text,
          tokens: s.tokens.length,
          logprob: s.logprobs.reduce((a, b) => a + b, 0),
          finishReason: s.finishReason,
          flops: s.flops,
        })),
      };
    },
  };
}
