// The PRM as a process verifier: steps mapped to tokens, dynamic batching, and KV reuse across a growing beam.
import { DynamicBatcher, type BatcherOptions } from "../batcher.js";
import type { Metrics } from "../metrics.js";
import type { PrmScorer, RowScores, StepRow } from "../prm-scorer.js";
import { encodeSteps } from "../steps.js";
import { requireSteps } from "./checkers.js";
import { retryable } from "./thread-errors.js";
import { refuseOverlong } from "./too-long.js";
import { shapeOf } from "../model-files.js";
import type { ModelShape, ProcessVerifier, VerifyItem } from "./types.js";

/** What the verifier needs of a PRM: PrmScorer in-process, or ThreadedPrmScorer in its own thread. */
export type PrmScoring = Pick<PrmScorer, "maxTokens" | "maxBatch" | "config" | "tokenizer" | "scoreRows" | "cacheBytes" | "close">;

export class PrmVerifier implements ProcessVerifier {
  readonly name = "prm";
  readonly kind = "process" as const;
  readonly defaultAggregation = "last" as const;
  readonly maxTokens: number;
  readonly shape: ModelShape | undefined;
  private readonly batcher: DynamicBatcher<StepRow, RowScores>;

  constructor(
    readonly scorer: PrmScoring,
    private readonly metrics: Metrics,
    batching: BatcherOptions = {},
  ) {
    this.maxTokens = scorer.maxTokens;
    this.shape = shapeOf(scorer.config);
    this.batcher = new DynamicBatcher((rows) => this.run(rows), {
      maxBatch: scorer.maxBatch,
      ...batching,
      onRun: (rows) => metrics.batchSize.observe({ model: this.name }, rows),
    });
  }

  async scoreSteps(items: readonly VerifyItem[], delimiter: string) {
    const encoded = items.map((it) => encodeSteps(this.scorer.tokenizer, it.question, it.solution, delimiter));
    requireSteps(encoded.map((e) => e.steps));
    refuseOverlong(
      encoded.map((e) => e.tokens.length),
      this.maxTokens,
    );
    const results = await this.batcher.submit(encoded.map((e) => ({ tokens: e.tokens, readAt: e.stepEnds, cuts: e.cuts })));
    const usage = { tokens: 0, tokens_run: 0, cached_tokens: 0 };
    for (const [i, r] of results.entries()) {
      usage.tokens += encoded[i]!.tokens.length;
      usage.tokens_run += r.tokensRun;
      usage.cached_tokens += r.cachedTokens;
    }
    return { steps: results.map((r) => r.scores), usage };
  }

  private async run(rows: readonly StepRow[]): Promise<RowScores[]> {
    const out = await this.scorer.scoreRows(rows).catch(retryable);
    const labels = { model: this.name };
    for (const r of out) {
      if (r.cachedTokens > 0) this.metrics.cacheHits.inc(labels);
      else this.metrics.cacheMisses.inc(labels);
      this.metrics.tokensRun.inc(labels, r.tokensRun);
      this.metrics.tokensCached.inc(labels, r.cachedTokens);
    }
    this.metrics.cacheBytes.set(labels, this.scorer.cacheBytes());
    return out;
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.scorer.close();
  }
}
