// The outcome reward model: loads the ONNX export once and scores token sequences in bounded, right-padded batches.
import path from "node:path";
import * as ort from "onnxruntime-node";
import type { CharTokenizer } from "@thinktime/core";
import { chunkByWidth, RUN_TOKENS } from "./chunks.js";
import { openSession, readModelFiles, requireIo, type ModelConfig } from "./model-files.js";
import { ormTokens } from "./orm-input.js";

export interface OrmScorerOptions {
  /** Most sequences per ONNX run; a call with more, or of very mixed lengths, is split (sorted by length first). Default 64. */
  maxBatch?: number;
  /** Most tokens per ONNX run, padding included (a longer row runs alone). Default RUN_TOKENS (1,024). */
  maxRunTokens?: number;
  /** ONNX Runtime intra-op threads; default lets the runtime decide. */
  threads?: number;
}

export class OrmScorer {
  readonly model = "orm" as const;
  readonly maxTokens: number;
  readonly maxBatch: number;
  readonly maxRunTokens: number;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: ModelConfig,
    readonly tokenizer: CharTokenizer,
    options: OrmScorerOptions,
  ) {
    this.maxTokens = config.max_position_embeddings;
    this.maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    this.maxRunTokens = options.maxRunTokens ?? RUN_TOKENS;
    if (!(this.maxRunTokens >= 1)) throw new Error(`maxRunTokens must be >= 1, got ${this.maxRunTokens}`);
  }

  /** Reads config.json, tokenizer.json and model.onnx from `dir` and checks the model's interface. */
  static async load(dir: string, options: OrmScorerOptions = {}): Promise<OrmScorer> {
    const { config, tokenizer } = await readModelFiles(dir);
    const session = await openSession(path.join(dir, "model.onnx"), options.threads);
    requireIo(session, "ORM model", ["input_ids", "attention_mask"], ["scores"]);
    return new OrmScorer(session, config, tokenizer, options);
  }

  encode(question: string, solution: string): number[] {
    return ormTokens(this.tokenizer, question, solution);
  }

  /** One score in [0, 1] per sequence, in input order: the model's value at the sequence's last token. */
  async score(sequences: readonly (readonly number[])[]): Promise<number[]> {
    for (const [i, seq] of sequences.entries()) {
      if (seq.length < 1 || seq.length > this.maxTokens) {
        throw new RangeError(`sequence ${i} has ${seq.length} tokens; must be 1..${this.maxTokens}`);
      }
    }
    // Longest first, so each chunk pads to nearly its own length; results go back to input order.
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[b]!.length - sequences[a]!.length || a - b);
    const out = new Array<number>(sequences.length);
    for (const [start, end] of chunkByWidth(
      order.map((i) => sequences[i]!.length),
      this.maxBatch,
      this.maxRunTokens,
    )) {
      const chunk = order.slice(start, end);
      const scores = await this.runBatch(chunk.map((i) => sequences[i]!));
      for (const [k, i] of chunk.entries()) out[i] = scores[k]!;
    }
    return out;
  }

  /** One ONNX run over right-padded sequences; reads each row's value at its last real token. */
  private async runBatch(seqs: readonly (readonly number[])[]): Promise<number[]> {
    const batch = seqs.length;
    const width = Math.max(...seqs.map((s) => s.length));
    const pad = BigInt(this.tokenizer.padId);
    const ids = new BigInt64Array(batch * width).fill(pad);
    const mask = new BigInt64Array(batch * width);
    seqs.forEach((seq, b) => {
      const row = b * width;
      for (let t = 0; t < seq.length; t++) {
        ids[row + t] = BigInt(seq[t]!);
        mask[row + t] = 1n;
      }
    });
    const feeds = {
      input_ids: new ort.Tensor("int64", ids, [batch, width]),
      attention_mask: new ort.Tensor("int64", mask, [batch, width]),
    };
    const result = await this.session.run(feeds);
    const scores = result.scores;
    if (scores?.type !== "float32") throw new Error("ORM returned no float32 `scores` output");
    const dims = scores.dims;
    if (dims.length !== 2 || dims[0] !== batch || dims[1] !== width) {
      throw new Error(`ORM scores have shape [${dims.join(", ")}], expected [${batch}, ${width}]`);
    }
    const data = scores.data as Float32Array;
    return seqs.map((seq, b) => data[b * width + seq.length - 1]!);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
