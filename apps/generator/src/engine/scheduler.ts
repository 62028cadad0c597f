// Continuous batching: every concurrent generate() of every tenant shares one batched forward per decode step.
// Requests are admitted round-robin by tenant between steps (prefill once, fan the prompt KV out to n rows);
// finished and canceled rows stop counting at once and their KV is dropped at the next join or compaction;
// admission stops at the row and KV-token limits, so overload waits in the queue instead of allocating unboundedly.
import { spanFlops, type CharTokenizer, type FlopsModel } from "@thinktime/core";
import type { ModelConfig } from "./config.js";
import { FairQueue } from "./fair-queue.js";
import { dropoutEmbeddings, entropyBits, mixLogits, type HarpSettings } from "./harp.js";
import { assembleRows, copyRow, emptyKv, moveRow, type KvCache, type KvDims, type RowRef } from "./kv-cache.js";
import { logProbAt, sampleToken } from "./sampling.js";
import { Sequence } from "./sequence.js";
import type { ForwardInput, ForwardOutput, StepInput } from "./session.js";
import {
  GenerationAborted,
  type GenerateRequest, type GenerateResult, type SampleOutput, type SpentUsage,
} from "./types.js";

export interface SchedulerLimits {
  /** Most sequences decoded in one forward. */
  maxBatchRows: number;
  /**
   * Most KV positions the decode batch may hold: rows × the longest row's worst-case length (prompt + max_tokens,
   * capped at the model's positions), since rows are left-padded to a common length. A lone row is always admitted.
   */
  maxKvTokens: number;
}

/** What the scheduler needs of the engine: the two sessions, the embedding table and the model's shape. */
export interface SchedulerModel {
  config: ModelConfig;
  tokenizer: CharTokenizer;
  flopsModel: FlopsModel;
  dims: KvDims;
  run(input: ForwardInput): Promise<ForwardOutput>;
  /** An in-place decode step (ModelSession.step); null when the model cannot (then run() is used). */
  step: ((input: StepInput) => Promise<Float32Array>) | null;
  /** model_embeds.onnx; only called for HARP requests, after the engine loaded it. */
  runEmbeds(input: ForwardInput): Promise<ForwardOutput>;
  /** The token-embedding table (vocab × hidden); only called for HARP requests. */
  embeddingTable(): Float32Array;
}

/** One submitted request from submit() until it resolves or rejects. */
interface Job {
  req: GenerateRequest;
  harp: HarpSettings | null;
  signal: AbortSignal | undefined;
  resolve(result: GenerateResult): void;
  reject(err: unknown): void;
  spent: SpentUsage;
  samples: Sequence[];
  /** Samples not yet admitted: a request larger than the free rows joins in several turns, prefilled once. */
  nextSample: number;
  /** The prompt's KV and last-position logits, kept until every sample has joined. */
  prefill: { ref: RowRef; logits: Float32Array; entropy: number } | null;
  settled: boolean;
}

/** A row of the decode batch: the sequence, its request, and how many left-padding columns its KV row holds. */
interface Row {
  seq: Sequence;
  job: Job;
  pad: number;
  /** Worst-case positions this row may reach (for the KV bound). */
  reserve: number;
}

/** A sequence about to choose its next token: its raw logits row, their entropy, and where its KV lives. */
interface TokenChoice {
  seq: Sequence;
  job: Job;
  /** The sequence's KV (all its positions, right-aligned), for HARP's cached reframe. */
  ref: RowRef;
  logits: Float32Array;
  offset: number;
  /** Bits; NaN when neither HARP nor the request needs it. */
  entropy: number;
}

const isLive = (r: Row) => r.seq.finish === null && !r.job.settled;

/** Prompts prefilled in one forward. */
const PREFILL_CHUNK = 16;
/**
 * Spare KV columns allocated past the batch's length: in-place decode steps fill them, and the cache is copied
 * once per this many steps instead of every step. Each spare column costs a masked attention column per step.
 */
const KV_ROOM = 16;

export class Scheduler {
  private readonly queue = new FairQueue<Job>();
  private readonly jobs = new Set<Job>();
  private rows: Row[] = [];
  private kv: KvCache;
  /** Columns of `kv`: every row is right-aligned to it. */
  private length = 0;
  private running = false;
  private steps = 0;
  private decodedRows = 0;
  /** Decode steps that carried finished rows (kept to avoid a KV copy; see compact). */
  private stepsWithFinishedRows = 0;

  constructor(
    private readonly model: SchedulerModel,
    readonly limits: SchedulerLimits,
  ) {
    this.kv = emptyKv(model.dims, 0);
  }

  /**
   * Live counters for tests and metrics: rows = sequences decoding, kvRows = rows the batch KV holds (finished ones
   * not yet dropped included), decodedRows / steps = the mean useful decode batch.
   */
  stats(): {
    rows: number; kvRows: number; queued: number; kvColumns: number; steps: number; decodedRows: number;
    stepsWithFinishedRows: number;
  } {
    return {
      rows: this.rows.filter(isLive).length, kvRows: this.rows.length, queued: this.queue.size, kvColumns: this.length,
      steps: this.steps, decodedRows: this.decodedRows, stepsWithFinishedRows: this.stepsWithFinishedRows,
    };
  }

  /** Queues one validated request; resolves with its result, or rejects (GenerationAborted on abort). */
  submit(req: GenerateRequest, harp: HarpSettings | null, signal?: AbortSignal): Promise<GenerateResult> {
    const spent = { promptTokens: 0, generatedTokens: 0, flops: 0 };
    if (signal?.aborted) return Promise.reject(new GenerationAborted(spent, signal.reason));
    return new Promise<GenerateResult>((resolve, reject) => {
      const job: Job = {
        req, harp, signal, resolve, reject, spent, samples: [], nextSample: 0, prefill: null, settled: false,
      };
      this.jobs.add(job);
      this.queue.push(req.tenant ?? "default", job);
      // A queued request aborted while the loop is idle-waiting on a forward is dropped at the next step.
      this.kick();
    });
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop().finally(() => {
      this.running = false;
      if (this.queue.size > 0 || this.rows.length > 0) this.kick();
    });
  }

  private async loop(): Promise<void> {
    while (this.queue.size > 0 || this.rows.length > 0) {
      try {
        this.dropAborted();
        await this.admit();
        this.dropAborted();
        if (this.rows.length > 0) await this.decodeStep();
      } catch (err) {
        // A bug, not a model error (those fail their own requests): fail everything rather than spin.
        for (const job of [...this.jobs]) this.fail(job, err);
        this.rows = [];
        this.length = 0;
        this.kv = emptyKv(this.model.dims, 0);
      }
    }
  }

  // ---- admission ----------------------------------------------------------------------------------------------

  private reserveOf(job: Job): number {
    return Math.min(job.req.prompt.length + job.req.params.max_tokens, this.model.config.max_position_embeddings);
  }

  /** How many more samples of `job` may join a batch of `rows` rows whose longest reserve is `longest`. */
  private capacity(job: Job, rows: number, longest: number): number {
    const { maxBatchRows, maxKvTokens } = this.limits;
    const byKv = Math.floor(maxKvTokens / Math.max(longest, this.reserveOf(job))) - rows;
    const cap = Math.min(maxBatchRows - rows, byKv, job.req.params.n - job.nextSample);
    // Never deadlock on a request bigger than the limits: an empty batch always takes one row.
    return rows === 0 ? Math.max(cap, 1) : cap;
  }

  /**
   * Admits waiting requests between steps: plans this round's admissions round-robin within the limits, prefills
   * the new prompts together (left-padded, a few forwards at most), draws every new sample's first token from
   * its prompt's logits, and joins the unfinished ones to the batch.
   */
  private async admit(): Promise<void> {
    const plan: { job: Job; first: number; take: number }[] = [];
    const liveRows = this.rows.filter(isLive);
    let rows = liveRows.length;
    let longest = Math.max(0, ...liveRows.map((r) => r.reserve));
    while (this.queue.size > 0) {
      const job = this.queue.peek()!;
      const take = job.settled ? 0 : this.capacity(job, rows, longest);
      if (take <= 0 && !job.settled) break;
      if (take > 0) {
        plan.push({ job, first: job.nextSample, take });
        job.nextSample += take;
        rows += take;
        longest = Math.max(longest, this.reserveOf(job));
      }
      this.queue.endTurn(job.settled || job.nextSample >= job.req.params.n);
    }
    if (plan.length === 0) return;

    const unprefilled = plan.map(({ job }) => job).filter((job) => !job.prefill);
    // Longest first, so each chunk pads little.
    unprefilled.sort((a, b) => b.req.prompt.length - a.req.prompt.length);
    for (let i = 0; i < unprefilled.length; i += PREFILL_CHUNK) {
      const chunk = unprefilled.slice(i, i + PREFILL_CHUNK);
      try {
        await this.prefill(chunk);
      } catch (err) {
        for (const job of chunk) this.fail(job, err);
      }
    }

    const items: TokenChoice[] = [];
    for (const { job, first, take } of plan) {
      const prefill = job.prefill;
      if (job.settled || !prefill) continue;
      for (let i = 0; i < take; i++) {
        const seq = this.newSequence(job, first + i);
        job.samples.push(seq);
        items.push({ seq, job, ref: prefill.ref, logits: prefill.logits, offset: 0, entropy: prefill.entropy });
      }
    }
    try {
      await this.chooseTokens(items);
    } catch (err) {
      for (const { job } of plan) this.fail(job, err);
    }
    const joining = items.filter(({ seq, job }) => seq.finish === null && !job.settled);
    if (joining.length > 0) this.join(joining);
    for (const { job } of plan) {
      // The prompt KV has been copied into the batch; a request still waiting for rows keeps it.
      if (job.nextSample >= job.req.params.n) job.prefill = null;
      this.settleIfDone(job);
    }
  }

  private newSequence(job: Job, index: number): Sequence {
    const { req } = job;
    return new Sequence(
      req.prompt, index, req.params, this.model.tokenizer, this.model.config.max_position_embeddings,
      job.harp, req.entropy === true,
    );
  }

  /**
   * Prefills the prompts of `jobs` in one left-padded forward (positions count real tokens only, so each row's
   * logits and KV equal its own batch-1 prefill); every sample of a request draws its first token from them.
   */
  private async prefill(jobs: Job[]): Promise<void> {
    const V = this.model.config.vocab_size;
    const B = jobs.length;
    const T = Math.max(...jobs.map((j) => j.req.prompt.length));
    const ids = new BigInt64Array(B * T);
    const mask = new BigInt64Array(B * T);
    const pos = new BigInt64Array(B * T);
    jobs.forEach(({ req: { prompt } }, b) => {
      const pad = T - prompt.length;
      prompt.forEach((t, j) => {
        ids[b * T + pad + j] = BigInt(t);
        mask[b * T + pad + j] = 1n;
        pos[b * T + pad + j] = BigInt(j);
      });
    });
    const out = await this.model.run({
      batch: B, seqLen: T, inputIds: ids, attentionMask: mask, positionIds: pos, past: emptyKv(this.model.dims, B),
    });
    jobs.forEach((job, b) => {
      const P = job.req.prompt.length;
      job.spent.promptTokens += P;
      job.spent.flops += spanFlops(this.model.flopsModel, 0, P);
      const logits = out.logits.slice((b * T + T - 1) * V, (b * T + T) * V);
      job.prefill = { ref: { kv: out.present, row: b }, logits, entropy: entropyBits(logits, 0, V) };
    });
  }

  /** Appends joining rows to the batch: one copy that right-aligns old and new rows to the longer length. */
  private join(joining: { seq: Sequence; job: Job; ref: RowRef }[]): void {
    const live = joining.filter(({ job }) => !job.settled);
    if (live.length === 0) return;
    // Finished rows still in the batch leave in the same copy; every row's KV holds seq.length − 1 positions.
    const old = this.rows.map((r, b) => ({ r, b })).filter(({ r }) => isLive(r));
    const newLength = Math.max(...old.map(({ r }) => r.seq.length - 1), ...live.map(({ seq }) => seq.length - 1));
    // No copy of the batch when the newcomers fit: as long as its rows, and rows to spare (the usual case:
    // samples of a fresh prompt joining a batch that has decoded for a while).
    if (this.model.step && old.length > 0 && newLength <= this.length && old.length + live.length <= this.kv.rowCapacity) {
      this.closeGaps();
      for (const { seq, job, ref } of live) {
        copyRow(this.kv, this.kv.batch, ref);
        this.kv.batch += 1;
        this.rows.push({ seq, job, pad: this.length - (seq.length - 1), reserve: this.reserveOf(job) });
      }
      return;
    }
    const refs: RowRef[] = [...old.map(({ b }) => ({ kv: this.kv, row: b })), ...live.map(({ ref }) => ref)];
    const capacity = this.capacityFor(newLength);
    this.kv = assembleRows(refs, newLength, this.model.dims, capacity, this.rowCapacityFor(refs.length, capacity));
    this.rows = [
      ...old.map(({ r }) => ({ ...r, pad: newLength - (r.seq.length - 1) })),
      ...live.map(({ seq, job }) => ({ seq, job, pad: newLength - (seq.length - 1), reserve: this.reserveOf(job) })),
    ];
    this.length = newLength;
  }

  // ---- decoding -----------------------------------------------------------------------------------------------

  /** Columns to allocate for a batch of `length`: KV_ROOM spare, within what one step's mask may span. */
  private capacityFor(length: number): number {
    if (!this.model.step) return length;
    return Math.max(length, Math.min(length + KV_ROOM, this.model.config.max_position_embeddings - 1));
  }

  /**
   * Rows to allocate: as many as the limits let the batch hold at this width, so rows join without a copy
   * (maxKvTokens still bounds the memory); run() alone needs exact rows.
   */
  private rowCapacityFor(rows: number, capacity: number): number {
    if (!this.model.step) return rows;
    const { maxBatchRows, maxKvTokens } = this.limits;
    return Math.max(rows, Math.min(maxBatchRows, Math.floor(maxKvTokens / Math.max(1, capacity))));
  }

  private async decodeStep(): Promise<void> {
    // A finished row kept in the batch may be the longest; drop it before the batch outgrows the model's positions
    // (with only live rows the batch is exactly as long as its longest row, which the model can hold).
    if (this.length + 1 > this.model.config.max_position_embeddings) this.compact(true);
    const V = this.model.config.vocab_size;
    const step = this.model.step;
    // In place when a spare column exists or can be made; the model's last position goes through run().
    let inPlace = step !== null && this.length + 1 < this.model.config.max_position_embeddings;
    // Out of columns: a fresh layout, which also drops finished rows and trims shared left padding.
    if (inPlace && this.kv.capacity <= this.length) this.relayout();
    if (this.rows.length === 0) return;
    if (!inPlace && (this.kv.capacity !== this.length || this.kv.rowCapacity !== this.rows.length)) {
      this.kv = assembleRows(this.rows.map((_, b) => ({ kv: this.kv, row: b })), this.length, this.model.dims);
    }
    inPlace &&= this.kv.capacity > this.length;
    const B = this.rows.length;
    // The mask spans every allocated column plus the new token's; spare columns stay 0.
    const width = (inPlace ? this.kv.capacity : this.length) + 1;
    const ids = new BigInt64Array(B);
    const pos = new BigInt64Array(B);
    const mask = new BigInt64Array(B * width);
    this.rows.forEach(({ seq, pad }, b) => {
      ids[b] = BigInt(seq.tokens[seq.tokens.length - 1]!);
      pos[b] = BigInt(seq.length - 1);
      mask.fill(1n, b * width + pad, b * width + this.length);
      mask[(b + 1) * width - 1] = 1n;
    });
    let logits: Float32Array;
    try {
      if (inPlace) {
        logits = await step!({ batch: B, inputIds: ids, attentionMask: mask, positionIds: pos, kv: this.kv });
      } else {
        const out = await this.model.run({ batch: B, seqLen: 1, inputIds: ids, attentionMask: mask, positionIds: pos, past: this.kv });
        this.kv = out.present;
        logits = out.logits;
      }
    } catch (err) {
      for (const { job } of this.rows) this.fail(job, err);
      this.compact();
      return;
    }
    const kv = this.kv;
    this.length = kv.length;
    // Finished rows kept in the batch (see compact) ride along; their outputs are ignored.
    const rows = this.rows.map((r, b) => ({ ...r, b })).filter(isLive);
    this.steps++;
    this.decodedRows += rows.length;
    if (rows.length < this.rows.length) this.stepsWithFinishedRows++;
    const items = rows.map(({ seq, job, b }): TokenChoice => ({
      seq, job, ref: { kv, row: b }, logits, offset: b * V,
      entropy: seq.harp || seq.entropy ? entropyBits(logits, b * V, V) : Number.NaN,
    }));
    try {
      await this.chooseTokens(items);
    } catch (err) {
      for (const { job } of rows) this.fail(job, err);
    }
    for (const { job } of rows) this.settleIfDone(job);
    this.compact();
  }

  /**
   * Picks the next token of each item from its raw logits row, or, for HARP rows whose entropy exceeds θ, from
   * the mix with a reframed pass; all hesitant rows of the call are reframed together (one forward per variant).
   */
  private async chooseTokens(items: TokenChoice[]): Promise<void> {
    const V = this.model.config.vocab_size;
    const mixed = new Map<TokenChoice, Float32Array>();
    const groups = new Map<string, TokenChoice[]>();
    for (const item of items) {
      const h = item.seq.harp;
      if (item.job.settled || h === null || !(item.entropy > h.theta)) continue;
      const key = h.variant === "faithful" ? "faithful" : `cached:${h.window}`;
      groups.set(key, [...(groups.get(key) ?? []), item]);
    }
    for (const group of groups.values()) {
      const reframed = await this.reframe(group);
      group.forEach((item, g) => {
        mixed.set(item, mixLogits(item.logits, item.offset, reframed, g * V, V, item.seq.harp!.beta));
      });
    }
    for (const item of items) {
      const { seq, job, logits, offset } = item;
      if (job.settled) continue;
      const mix = mixed.get(item);
      const token = mix ? sampleToken(mix, 0, V, seq.params, seq.rand) : sampleToken(logits, offset, V, seq.params, seq.rand);
      const position = seq.length;
      seq.entropy?.push(item.entropy);
      // The reported logprob stays the raw model's, like vanilla: verifiers and tie-breaks compare samples by it.
      seq.push(token, logProbAt(logits, offset, V, token));
      job.spent.generatedTokens += 1;
      job.spent.flops += spanFlops(this.model.flopsModel, position, position + 1);
    }
  }

  /**
   * One forward of model_embeds.onnx over the items' sequences with dropout on the input embeddings.
   * Faithful: the whole sequence, no cache. Cached: the last `window` positions on the KV of the earlier ones
   * (item.ref right-aligns the sequence's full KV; its last `window` columns are dropped). Returns [R, V] logits.
   */
  private async reframe(items: TokenChoice[]): Promise<Float32Array> {
    const { vocab_size: V, hidden_size: C } = this.model.config;
    const table = this.model.embeddingTable();
    const R = items.length;
    const perturbed = items.map(({ seq }) =>
      seq.harp!.variant === "faithful" ? seq.length : Math.min(seq.harp!.window, seq.length),
    );
    const pastReal = items.map(({ seq }, i) => seq.length - perturbed[i]!);
    const pastLen = Math.max(...pastReal);
    const T = Math.max(...perturbed);
    const total = pastLen + T;
    const embeds = new Float32Array(R * T * C);
    const mask = new BigInt64Array(R * total);
    const pos = new BigInt64Array(R * T);
    items.forEach(({ seq }, i) => {
      const c = perturbed[i]!;
      const start = seq.length - c;
      const tokens = Array.from({ length: c }, (_, j) => seq.tokenAt(start + j));
      dropoutEmbeddings(table, C, tokens, seq.harp!.delta, seq.harpRand!, embeds, (i * T + T - c) * C);
      mask.fill(1n, i * total + pastLen - pastReal[i]!, i * total + pastLen);
      mask.fill(1n, i * total + pastLen + T - c, (i + 1) * total);
      for (let j = 0; j < c; j++) pos[i * T + T - c + j] = BigInt(start + j);
    });
    const past =
      pastLen > 0
        ? assembleRows(items.map(({ ref }, i) => ({ ...ref, dropLast: perturbed[i]! })), pastLen, this.model.dims)
        : emptyKv(this.model.dims, R);
    const out = await this.model.runEmbeds({
      batch: R, seqLen: T, inputsEmbeds: embeds, attentionMask: mask, positionIds: pos, past,
    });
    const logits = new Float32Array(R * V);
    items.forEach(({ seq, job }, i) => {
      logits.set(out.logits.subarray((i * T + T - 1) * V, (i * T + T) * V), i * V);
      const flops = spanFlops(this.model.flopsModel, pastReal[i]!, seq.length);
      seq.reframes += 1;
      seq.reframeFlops += flops;
      job.spent.flops += flops;
    });
    return logits;
  }

  // ---- leaving the batch --------------------------------------------------------------------------------------

  /** Rejects requests whose signal fired (queued or decoding); their rows leave at the compaction below. */
  private dropAborted(): void {
    for (const job of this.jobs) {
      if (job.settled || !job.signal?.aborted) continue;
      job.settled = true;
      this.jobs.delete(job);
      this.queue.remove(job);
      job.prefill = null;
      job.reject(new GenerationAborted({ ...job.spent }, job.signal.reason));
    }
    this.compact();
  }

  private fail(job: Job, err: unknown): void {
    if (job.settled) return;
    job.settled = true;
    this.jobs.delete(job);
    this.queue.remove(job);
    job.prefill = null;
    job.reject(err);
  }

  /**
   * Drops finished rows and rows of settled requests. With in-place steps the later rows move down into the gaps;
   * otherwise (or when `force`d) the batch is laid out afresh without the leading columns that are padding for
   * every row.
   */
  private compact(force = false): void {
    const live = this.rows.filter(isLive).length;
    const dead = this.rows.length - live;
    // Copying the batch's KV for every finished row would copy it almost every step at large batches: finished
    // rows stay (decoded, ignored) until an eighth of the batch is dead or new rows join (join drops them).
    if (dead === 0 || (!force && live > 0 && dead < Math.ceil(this.rows.length / 8))) return;
    if (force || live === 0 || !this.model.step) this.relayout();
    else this.closeGaps();
  }

  /** Moves live rows down over finished ones, in order; the cache keeps its arrays and columns. */
  private closeGaps(): void {
    let to = 0;
    const kept: Row[] = [];
    this.rows.forEach((r, b) => {
      if (!isLive(r)) return;
      if (b !== to) moveRow(this.kv, b, to);
      kept.push(r);
      to++;
    });
    this.rows = kept;
    this.kv.batch = kept.length;
  }

  /** A fresh layout of the live rows, trimmed of shared left padding, with room to grow. */
  private relayout(): void {
    const live = this.rows.map((r, b) => ({ r, b })).filter(({ r }) => isLive(r));
    if (live.length === 0) {
      this.rows = [];
      this.length = 0;
      this.kv = emptyKv(this.model.dims, 0);
      return;
    }
    const trim = Math.min(...live.map(({ r }) => r.pad));
    const newLength = this.length - trim;
    const capacity = this.capacityFor(newLength);
    this.kv = assembleRows(
      live.map(({ b }) => ({ kv: this.kv, row: b })), newLength, this.model.dims, capacity,
      this.rowCapacityFor(live.length, capacity),
    );
    this.rows = live.map(({ r }) => ({ ...r, pad: r.pad - trim }));
    this.length = newLength;
  }

  private settleIfDone(job: Job): void {
    if (job.settled || job.nextSample < job.req.params.n || job.samples.some((s) => s.finish === null)) return;
    job.settled = true;
    this.jobs.delete(job);
    const P = job.req.prompt.length;
    const fm = this.model.flopsModel;
    const samples: SampleOutput[] = job.samples.map((seq) => ({
      tokens: seq.tokens,
      text: seq.text,
      logprobs: seq.logprobs,
      finishReason: seq.finish ?? "length",
      flops: spanFlops(fm, P, P + seq.tokens.length) + seq.reframeFlops,
      reframes: seq.reframes,
      reframeFlops: seq.reframeFlops,
      ...(seq.entropy ? { entropy: seq.entropy } : {}),
    }));
    job.resolve({ promptTokens: P, promptFlops: spanFlops(fm, 0, P), samples });
  }
}
