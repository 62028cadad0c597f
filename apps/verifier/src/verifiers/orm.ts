// The ORM as an outcome verifier behind a dynamic batcher: concurrent requests share ONNX runs.
import { DynamicBatcher, type BatcherOptions } from "../batcher.js";
import type { Metrics } from "../metrics.js";
import type { OrmScorer } from "../orm-scorer.js";
import { retryable } from "./thread-errors.js";
import { refuseOverlong } from "./too-long.js";
import { shapeOf } from "../model-files.js";
import type { ModelShape, OutcomeVerifier, VerifyItem } from "./types.js";

/** What the verifier needs of an ORM: OrmScorer in-process, or ThreadedOrmScorer in its own thread. */
export type OrmScoring = Pick<OrmScorer, "maxTokens" | "maxBatch" | "config" | "encode" | "score" | "close">;

export class OrmVerifier implements OutcomeVerifier {
  readonly name = "orm";
  readonly kind = "outcome" as const;
  readonly maxTokens: number;
  readonly shape: ModelShape | undefined;
  private readonly batcher: DynamicBatcher<readonly number[], number>;

  constructor(
    readonly scorer: OrmScoring,
    private readonly metrics: Metrics,
    batching: BatcherOptions = {},
  ) {
    this.maxTokens = scorer.maxTokens;
    this.shape = shapeOf(scorer.config);
    this.batcher = new DynamicBatcher((seqs) => scorer.score(seqs).catch(retryable), {
      maxBatch: scorer.maxBatch,
      ...batching,
      onRun: (rows) => metrics.batchSize.observe({ model: this.name }, rows),
    });
  }

  async scoreOutcomes(items: readonly VerifyItem[]) {
    const sequences = items.map((it) => this.scorer.encode(it.question, it.solution));
    refuseOverlong(
      sequences.map((s) => s.length),
      this.maxTokens,
    );
    const scores = await this.batcher.submit(sequences);
    const tokens = sequences.reduce((n, s) => n + s.length, 0);
    this.metrics.tokensRun.inc({ model: this.name }, tokens);
    return { scores, usage: { tokens, tokens_run: tokens, cached_tokens: 0 } };
  }

  async close(): Promise<void> {
    await this.batcher.drain();
    await this.scorer.close();
  }
}
