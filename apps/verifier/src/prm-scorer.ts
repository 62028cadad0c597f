// The process reward model: scores every step of a solution, running only tokens past the longest cached prefix.
import path from "node:path";
import * as ort from "onnxruntime-node";
import type { CharTokenizer } from "@thinktime/core";
import { chunkByWidth, RUN_TOKENS } from "./chunks.js";
import { PrefixKvCache, prefixKeys, type KvEntry } from "./kv-cache.js";
import { openSession, readModelFiles, requireIo, type ModelConfig } from "./model-files.js";

export interface PrmScorerOptions {
  /** Most rows per ONNX run. Default 64. */
  maxBatch?: number;
  /** Most tokens per ONNX run, padding included (a longer row runs alone). Default RUN_TOKENS (1,024). */
  maxRunTokens?: number;
  threads?: number;
  /** Bytes of KV state kept for recent prefixes; 0 turns incremental scoring off (every row is a full pass). */
  cacheBytes?: number;
}

/** One solution to score: its tokens, where to read scores, and the prefix lengths worth looking up in the cache. */
export interface StepRow {
  tokens: readonly number[];
  readAt: readonly number[];
  /** Ascending prefix lengths worth looking up (encodeSteps: the prompt first, then step and delimiter ends);
   *  the full length is always looked up and stored, and rows of one call sharing the first cut run it once. */
  cuts: readonly number[];
}

export interface RowScores {
  scores: number[];
  /** Tokens this call ran through the model (0 on a full cache hit). */
  tokensRun: number;
  /** Tokens whose KV state came from the cache. */
  cachedTokens: number;
}

interface Job {
  row: StepRow;
  start: number;
  past?: KvEntry;
  key: string;
}

export class PrmScorer {
  readonly model = "prm" as const;
  readonly maxTokens: number;
  readonly maxBatch: number;
  readonly maxRunTokens: number;
  readonly cache: PrefixKvCache;
  private readonly layers: number;
  private readonly heads: number;
  private readonly headDim: number;
  private readonly scratchBuffers: Float32Array[] = [];

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: ModelConfig,
    readonly tokenizer: CharTokenizer,
    options: PrmScorerOptions,
  ) {
    this.maxTokens = config.max_position_embeddings;
    this.maxBatch = options.maxBatch ?? 64;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    this.maxRunTokens = options.maxRunTokens ?? RUN_TOKENS;
    if (!(this.maxRunTokens >= 1)) throw new Error(`maxRunTokens must be >= 1, got ${this.maxRunTokens}`);
    this.cache = new PrefixKvCache(options.cacheBytes ?? 256 * 1024 * 1024);
    const { num_hidden_layers: layers, num_attention_heads: heads, hidden_size: hidden } = config;
    if (!layers || !heads || !hidden) throw new Error("PRM config.json needs num_hidden_layers, num_attention_heads and hidden_size");
    this.layers = layers;
    this.heads = heads;
    this.headDim = config.head_dim ?? hidden / heads;
  }

  /** Reads config.json, tokenizer.json and model_kv.onnx (the KV-cache export) from `dir`. */
  static async load(dir: string, options: PrmScorerOptions = {}): Promise<PrmScorer> {
    const { config, tokenizer } = await readModelFiles(dir);
    const session = await openSession(path.join(dir, "model_kv.onnx"), options.threads);
    const layers = config.num_hidden_layers ?? 0;
    const past = Array.from({ length: layers }, (_, l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]).flat();
    const present = Array.from({ length: layers }, (_, l) => [`present.${l}.key`, `present.${l}.value`]).flat();
    requireIo(session, "PRM model_kv.onnx", ["input_ids", "attention_mask", "position_ids", ...past], ["scores", ...present]);
    return new PrmScorer(session, config, tokenizer, options);
  }

  get incremental(): boolean {
    return this.cache.maxBytes > 0;
  }

  /** Bytes of KV state the cache holds now. */
  cacheBytes(): number {
    return this.cache.stats().bytes;
  }

  /** Scores at each row's readAt positions, in input order; identical (1e-5) however rows are batched or cached. */
  async scoreRows(rows: readonly StepRow[]): Promise<RowScores[]> {
    const out = new Array<RowScores>(rows.length);
    const jobs: Array<[number, Job]> = [];
    const prompts = new Map<string, { length: number; group: Array<[number, Job]> }>();
    for (const [i, row] of rows.entries()) {
      const n = row.tokens.length;
      if (n < 1 || n > this.maxTokens) throw new RangeError(`row ${i} has ${n} tokens; must be 1..${this.maxTokens}`);
      for (const at of row.readAt) if (!(at >= 0 && at < n)) throw new RangeError(`row ${i} reads position ${at} of ${n}`);
      if (!this.incremental) {
        jobs.push([i, { row, start: 0, key: "" }]);
        continue;
      }
      const cuts = [...row.cuts.filter((c) => c > 0 && c < n), n];
      const keys = prefixKeys(row.tokens, cuts);
      const found = this.cache.longest(keys);
      const job: Job = { row, start: found?.entry.length ?? 0, past: found?.entry, key: keys.at(-1)! };
      if (job.start === n) {
        out[i] = { scores: row.readAt.map((t) => found!.entry.scores[t]!), tokensRun: 0, cachedTokens: n };
        continue;
      }
      jobs.push([i, job]);
      if (!found && cuts.length > 1) {
        const shared = prompts.get(keys[0]!) ?? { length: cuts[0]!, group: [] };
        shared.group.push([i, job]);
        prompts.set(keys[0]!, shared);
      }
    }
    // Misses sharing their first cut (the prompt, as best-of-N candidates do) run it once and continue from it.
    const shared = [...prompts].filter(([, { group }]) => group.length > 1);
    const promptEntries = await this.runJobs(
      shared.map(([key, { length, group }]) => ({ row: { tokens: group[0]![1].row.tokens.slice(0, length), readAt: [], cuts: [] }, start: 0, key })),
    );
    const ranFirst = new Map<number, number>();
    for (const [g, [key, { group }]] of shared.entries()) {
      const entry = promptEntries[g]!;
      this.cache.set(key, entry);
      for (const [, job] of group) Object.assign(job, { start: entry.length, past: entry });
      ranFirst.set(group[0]![0], entry.length);
    }
    const entries = await this.runJobs(jobs.map(([, job]) => job));
    for (const [k, [i, job]] of jobs.entries()) {
      const entry = entries[k]!;
      if (this.incremental) this.cache.set(job.key, entry);
      const extra = ranFirst.get(i) ?? 0; // the shared prompt is billed to the first row that needed it
      out[i] = {
        scores: job.row.readAt.map((t) => entry.scores[t]!),
        tokensRun: entry.length - job.start + extra,
        cachedTokens: job.start - extra,
      };
    }
    return out;
  }

  /** Runs jobs in chunks of maxBatch, fresh passes apart from cached ones and by new-token count, so little is padding. */
  private async runJobs(jobs: readonly Job[]): Promise<KvEntry[]> {
    const order = jobs
      .map((_, i) => i)
      .sort((a, b) => {
        const [ja, jb] = [jobs[a]!, jobs[b]!];
        return Number(ja.start > 0) - Number(jb.start > 0) || jb.row.tokens.length - jb.start - (ja.row.tokens.length - ja.start) || a - b;
      });
    const out = new Array<KvEntry>(jobs.length);
    const split = order.findIndex((i) => jobs[i]!.start > 0);
    for (const part of split < 0 ? [order] : [order.slice(0, split), order.slice(split)]) {
      for (const [s, e] of chunkByWidth(
        part.map((i) => jobs[i]!.row.tokens.length - jobs[i]!.start),
        this.maxBatch,
        this.maxRunTokens,
      )) {
        const chunk = part.slice(s, e);
        const entries = await this.run(chunk.map((i) => jobs[i]!));
        for (const [k, i] of chunk.entries()) out[i] = entries[k]!;
      }
    }
    return out;
  }

  /** One ONNX run: past left-padded to the longest past, new tokens right-padded; returns each row's full entry. */
  private async run(jobs: readonly Job[]): Promise<KvEntry[]> {
    const { layers, heads, headDim } = this;
    const B = jobs.length;
    const P = Math.max(...jobs.map((j) => j.start));
    const T = Math.max(...jobs.map((j) => j.row.tokens.length - j.start));
    const ids = new BigInt64Array(B * T).fill(BigInt(this.tokenizer.padId));
    const positions = new BigInt64Array(B * T);
    const mask = new BigInt64Array(B * (P + T));
    const pastK = Array.from({ length: layers }, (_, l) => this.scratch(2 * l, B * heads * P * headDim));
    const pastV = Array.from({ length: layers }, (_, l) => this.scratch(2 * l + 1, B * heads * P * headDim));
    jobs.forEach((job, b) => {
      const { tokens } = job.row;
      const p = job.start;
      for (let t = p; t < tokens.length; t++) {
        ids[b * T + t - p] = BigInt(tokens[t]!);
        positions[b * T + t - p] = BigInt(t);
        mask[b * (P + T) + P + t - p] = 1n;
      }
      for (let t = P - p; t < P; t++) mask[b * (P + T) + t] = 1n;
      if (!job.past || p === 0) return;
      for (let l = 0; l < layers; l++) {
        for (let h = 0; h < heads; h++) {
          const dst = ((b * heads + h) * P + (P - p)) * headDim;
          const src = h * p * headDim;
          pastK[l]!.set(job.past.keys[l]!.subarray(src, src + p * headDim), dst);
          pastV[l]!.set(job.past.values[l]!.subarray(src, src + p * headDim), dst);
        }
      }
    });
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", ids, [B, T]),
      attention_mask: new ort.Tensor("int64", mask, [B, P + T]),
      position_ids: new ort.Tensor("int64", positions, [B, T]),
    };
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = new ort.Tensor("float32", pastK[l]!, [B, heads, P, headDim]);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor("float32", pastV[l]!, [B, heads, P, headDim]);
    }
    // Without the cache nothing reads the KV state: fetching only the scores spares copying it out of onnxruntime.
    const result = await (this.incremental ? this.session.run(feeds) : this.session.run(feeds, ["scores"]));
    const scores = result.scores;
    if (scores?.type !== "float32" || scores.dims[0] !== B || scores.dims[1] !== T) {
      throw new Error(`PRM scores have shape [${scores?.dims.join(", ")}], expected [${B}, ${T}]`);
    }
    const scoreData = scores.data as Float32Array;
    const keep = this.incremental;
    const presentK = keep ? Array.from({ length: layers }, (_, l) => result[`present.${l}.key`]!.data as Float32Array) : [];
    const presentV = keep ? Array.from({ length: layers }, (_, l) => result[`present.${l}.value`]!.data as Float32Array) : [];
    return jobs.map((job, b) => {
      const n = job.row.tokens.length;
      const p = job.start;
      const entryScores = new Float32Array(n);
      if (job.past) entryScores.set(job.past.scores.subarray(0, p));
      entryScores.set(scoreData.subarray(b * T, b * T + n - p), p);
      if (!keep) return { length: n, keys: [], values: [], scores: entryScores };
      // Real slots of this row in present: [P - p, P + n - p), contiguous per head. One allocation holds every layer's
      // keys and values (a view each), not 2 × layers of them.
      const size = heads * n * headDim;
      const all = new Float32Array(2 * layers * size);
      const slice = (data: Float32Array, at: number) => {
        const out = all.subarray(at * size, (at + 1) * size);
        for (let h = 0; h < heads; h++) {
          const src = ((b * heads + h) * (P + T) + (P - p)) * headDim;
          out.set(data.subarray(src, src + n * headDim), h * n * headDim);
        }
        return out;
      };
      return {
        length: n,
        keys: presentK.map((d, l) => slice(d, 2 * l)),
        values: presentV.map((d, l) => slice(d, 2 * l + 1)),
        scores: entryScores,
      };
    });
  }

  /**
   * Scratch buffer `slot` of at least `length` floats, reused from run to run (runs of one scorer never overlap: each
   * awaits the last). Left padding may hold an earlier run's values: finite, and masked out, so never read.
   */
  private scratch(slot: number, length: number): Float32Array {
    let buf = this.scratchBuffers[slot];
    if (!buf || buf.length < length) {
      buf = new Float32Array(Math.max(length, Math.ceil((buf?.length ?? 0) * 1.5)));
      this.scratchBuffers[slot] = buf;
    }
    return buf.subarray(0, length);
  }

  async close(): Promise<void> {
    this.scratchBuffers.length = 0;
    this.cache.clear();
    await this.session.release();
  }
}
