// Counts what a job has spent as it goes, so a canceled or failed job is billed for the work it actually did.
import type { Sampler, Scorer, StepScorer } from "@thinktime/core";
import { GenerationAborted } from "./engine/index.js";

export interface Spent {
  promptTokens: number;
  generatedTokens: number;
  verifierTokens: number;
  flops: number;
}

export class UsageMeter {
  readonly spent: Spent = { promptTokens: 0, generatedTokens: 0, verifierTokens: 0, flops: 0 };

  get any(): boolean {
    const s = this.spent;
    return s.promptTokens + s.generatedTokens + s.verifierTokens > 0;
  }

  sampler(inner: Sampler): Sampler {
    return {
      sample: async (prompt, params, options) => {
        try {
          const batch = await inner.sample(prompt, params, options);
          this.spent.promptTokens += batch.promptTokens;
          this.spent.flops += batch.promptFlops;
          for (const c of batch.completions) {
            this.spent.generatedTokens += c.tokens;
            this.spent.flops += c.flops;
          }
          return batch;
        } catch (err) {
          if (err instanceof GenerationAborted) {
            this.spent.promptTokens += err.spent.promptTokens;
            this.spent.generatedTokens += err.spent.generatedTokens;
            this.spent.flops += err.spent.flops;
          }
          throw err;
        }
      },
    };
  }

  scorer(inner: Scorer): Scorer {
    return {
      score: async (items, options) => {
        const res = await inner.score(items, options);
        this.spent.verifierTokens += res.tokens;
        return res;
      },
    };
  }

  stepScorer(inner: StepScorer): StepScorer {
    return {
      scoreSteps: async (items, options) => {
        const res = await inner.scoreSteps(items, options);
        this.spent.verifierTokens += res.tokens;
        return res;
      },
    };
  }
}
