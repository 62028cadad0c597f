// HTTP client of the verifier service (POST /v1/score) as the strategies' Scorer, with bounded retries.
import type { CallOptions, ScoreItem, Scorer } from "@thinktime/core";
import { z } from "zod";
import { VerifierHttp, type VerifierHttpOptions } from "./verifier-http.js";

export { VerifierError, type VerifierErrorCode } from "./verifier-http.js";

export interface VerifierClientOptions extends VerifierHttpOptions {
  /** The outcome model to ask for; the verifier's default (`orm`) when unset. */
  model?: string;
}

const ScoreResponse = z.object({
  scores: z.array(z.number().min(0).max(1)),
  usage: z.object({ tokens: z.number().int().nonnegative() }),
});
type ScoreResponse = z.infer<typeof ScoreResponse>;

export class VerifierClient implements Scorer {
  private readonly http: VerifierHttp;

  constructor(private readonly options: VerifierClientOptions) {
    this.http = new VerifierHttp(options, "/v1/score");
  }

  async score(items: ScoreItem[], options: CallOptions = {}): Promise<{ scores: number[]; tokens: number }> {
    const { model } = this.options;
    const parts = await this.http.postInChunks(
      items,
      (chunk) => ({ items: chunk.map(({ question, solution }) => ({ question, solution })), ...(model ? { model } : {}) }),
      (json, chunk): ScoreResponse | null => {
        const parsed = ScoreResponse.safeParse(json);
        return parsed.success && parsed.data.scores.length === chunk.length ? parsed.data : null;
      },
      options.signal,
    );
    return { scores: parts.flatMap((p) => p.scores), tokens: parts.reduce((a, p) => a + p.usage.tokens, 0) };
  }
}
