// HTTP client of the verifier's process model (POST /v1/score-steps) as the tree searches' StepScorer.
import type { CallOptions, StepScoreItem, StepScorer } from "@thinktime/core";
import { z } from "zod";
import { VerifierHttp, type VerifierHttpOptions } from "./verifier-http.js";

export interface StepScorerClientOptions extends VerifierHttpOptions {
  /** The process model to ask for; the verifier's default (`prm`) when unset. */
  model?: string;
}

const ScoreStepsResponse = z.object({
  step_scores: z.array(z.array(z.number().min(0).max(1))),
  usage: z.object({ tokens: z.number().int().nonnegative() }),
});
type ScoreStepsResponse = z.infer<typeof ScoreStepsResponse>;

/** Steps travel joined by "\n", the verifier's default step delimiter; it answers one score per non-blank step. */
export class StepScorerClient implements StepScorer {
  private readonly http: VerifierHttp;

  constructor(private readonly options: StepScorerClientOptions) {
    this.http = new VerifierHttp(options, "/v1/score-steps");
  }

  async scoreSteps(items: StepScoreItem[], options: CallOptions = {}): Promise<{ scores: number[][]; tokens: number }> {
    const { model } = this.options;
    const parts = await this.http.postInChunks(
      items,
      (chunk) => ({ items: chunk.map(({ question, steps }) => ({ question, solution: steps.join("\n") })), ...(model ? { model } : {}) }),
      (json, chunk): ScoreStepsResponse | null => {
        const parsed = ScoreStepsResponse.safeParse(json);
        return parsed.success && parsed.data.step_scores.length === chunk.length ? parsed.data : null;
      },
      options.signal,
    );
    return { scores: parts.flatMap((p) => p.step_scores), tokens: parts.reduce((a, p) => a + p.usage.tokens, 0) };
  }
}
