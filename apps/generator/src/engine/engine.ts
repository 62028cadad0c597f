// The inference engine: loads the policy model and serves generate()/submit() through one continuous-batching
// scheduler (scheduler.ts), so concurrent requests of all tenants share each batched decode step.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CharTokenizer, FlopsModel } from "@thinktime/core";
import { silentLogger, type Logger } from "../log.js";
import { flopsModel, readModelDir, type ModelConfig } from "./config.js";
import { harpProblem, resolveHarp, type HarpSettings } from "./harp.js";
import { emptyKv, type KvCache, type KvDims } from "./kv-cache.js";
import { Scheduler, type SchedulerLimits } from "./scheduler.js";
import { ModelSession, type ForwardOutput, type SessionSettings } from "./session.js";
import {
  GenerationAborted, InvalidRequest,
  type GenerateOptions, type GenerateRequest, type GenerateResult, type SpentUsage,
} from "./types.js";

export interface EngineOptions {
  /** ONNX Runtime execution provider; default "cpu". */
  executionProvider?: string;
  intraOpNumThreads?: number;
  /** ORT intra-op threads spin between operators; default false (see SessionSettings.allowSpinning). */
  allowSpinning?: boolean;
  /**
   * Decode steps write the new KV column into a cache kept in JS and fetch only it (default true, when the graph
   * allows); false fetches the whole present every step (the benchmark's "before").
   */
  inPlaceDecode?: boolean;
  /** File inside the model directory; default "model.onnx". */
  modelFile?: string;
  /** Most sequences decoded in one batched forward; default 64. More wait in the queue. */
  maxBatchRows?: number;
  /**
   * Most KV positions the decode batch may hold (rows × longest worst-case row length); default
   * maxBatchRows × max_position_embeddings, i.e. bounded by rows alone.
   */
  maxKvTokens?: number;
  logger?: Logger;
}

export interface ForwardArgs {
  /** [B][T] ids; rows may be left-padded (mask 0). */
  inputIds: number[][];
  /** [B][past + T]; default all ones. */
  attentionMask?: number[][];
  past?: KvCache;
}

/** Work a finished request did, in the units GenerationAborted reports. */
export function usageOf(result: GenerateResult): SpentUsage {
  return {
    promptTokens: result.promptTokens,
    generatedTokens: result.samples.reduce((n, s) => n + s.tokens.length, 0),
    flops: result.promptFlops + result.samples.reduce((f, s) => f + s.flops, 0),
  };
}

/** Attention mask rows → int64 tensors, positions = cumsum(mask) − 1 clamped at 0 (so left padding works). */
function maskAndPositions(attentionMask: number[][] | undefined, batch: number, seqLen: number, past: number) {
  const total = past + seqLen;
  const mask = new BigInt64Array(batch * total);
  const pos = new BigInt64Array(batch * seqLen);
  for (let b = 0; b < batch; b++) {
    const m = attentionMask?.[b];
    if (attentionMask && m?.length !== total) throw new Error(`attention mask row ${b} has ${m?.length} columns, expected ${total}`);
    let cum = 0;
    for (let t = 0; t < total; t++) {
      const v = m ? m[t]! : 1;
      mask[b * total + t] = BigInt(v);
      cum += v;
      const j = t - past;
      if (j >= 0) pos[b * seqLen + j] = BigInt(Math.max(0, cum - 1));
    }
  }
  return { mask, pos };
}

export class Engine {
  readonly dims: KvDims;
  readonly flopsModel: FlopsModel;
  private readonly scheduler: Scheduler;
  private harpLoad: Promise<{ table: Float32Array }> | null = null;
  private embeds: { session: ModelSession; table: Float32Array } | null = null;

  private constructor(
    readonly name: string,
    readonly dir: string,
    readonly config: ModelConfig,
    readonly tokenizer: CharTokenizer,
    readonly executionProvider: string,
    private readonly session: ModelSession,
    private readonly sessionSettings: SessionSettings,
    limits: SchedulerLimits,
    inPlaceDecode: boolean,
  ) {
    this.dims = { layers: config.num_hidden_layers, heads: config.num_attention_heads, headDim: config.head_dim };
    this.flopsModel = flopsModel(config);
    this.scheduler = new Scheduler(
      {
        config, tokenizer, flopsModel: this.flopsModel, dims: this.dims,
        run: (input) => this.session.run(input),
        step: session.stepsInPlace && inPlaceDecode ? (input) => this.session.step(input) : null,
        runEmbeds: (input) => this.embeds!.session.run(input),
        embeddingTable: () => this.embeds!.table,
      },
      limits,
    );
  }

  static async load(dir: string, options: EngineOptions = {}): Promise<Engine> {
    const files = await readModelDir(dir, options.modelFile);
    const executionProvider = options.executionProvider ?? "cpu";
    const { config } = files;
    const dims = { layers: config.num_hidden_layers, heads: config.num_attention_heads, headDim: config.head_dim };
    const settings: SessionSettings = {
      executionProvider,
      ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
      allowSpinning: options.allowSpinning ?? false,
    };
    const session = await ModelSession.create(files.modelPath, dims, config.vocab_size, settings);
    const maxBatchRows = options.maxBatchRows ?? 64;
    const limits = { maxBatchRows, maxKvTokens: options.maxKvTokens ?? maxBatchRows * config.max_position_embeddings };
    if (!(Number.isInteger(maxBatchRows) && maxBatchRows >= 1) || !(limits.maxKvTokens >= 1)) {
      throw new Error("maxBatchRows and maxKvTokens must be positive");
    }
    (options.logger ?? silentLogger).info("engine loaded", {
      model: files.name,
      path: files.modelPath,
      executionProvider,
      intraOpNumThreads: options.intraOpNumThreads ?? "ort default",
      allowSpinning: settings.allowSpinning,
      decodeStep: session.stepsInPlace && options.inPlaceDecode !== false ? `in place (${session.stepGraph} graph)` : "full present fetched",
      parameters: config.num_parameters,
      layers: config.num_hidden_layers,
      maxPositions: config.max_position_embeddings,
      ...limits,
    });
    const inPlace = options.inPlaceDecode ?? true;
    return new Engine(files.name, files.dir, config, files.tokenizer, executionProvider, session, settings, limits, inPlace);
  }

  get maxPositions(): number {
    return this.config.max_position_embeddings;
  }

  /**
   * One raw forward pass (tests, and later HARP): positions = cumsum(mask) − 1 clamped at 0, so left padding
   * works. Returns logits [B, T, V] and the present KV.
   */
  async forward({ inputIds, attentionMask, past }: ForwardArgs): Promise<ForwardOutput> {
    const batch = inputIds.length;
    const seqLen = inputIds[0]?.length ?? 0;
    if (batch === 0 || seqLen === 0 || inputIds.some((r) => r.length !== seqLen)) {
      throw new Error("forward needs a non-empty rectangular batch of ids");
    }
    const pastKv = past ?? emptyKv(this.dims, batch);
    const { mask, pos } = maskAndPositions(attentionMask, batch, seqLen, pastKv.length);
    const ids = BigInt64Array.from(inputIds.flat(), (t) => BigInt(t));
    return this.session.run({ batch, seqLen, inputIds: ids, attentionMask: mask, positionIds: pos, past: pastKv });
  }

  /**
   * Runs one request through the shared continuous-batching scheduler: it decodes in the same forward passes as
   * every other request in flight, whoever submitted it. Rejects with InvalidRequest (bad request),
   * GenerationAborted (signal fired; `spent` is this request's work so far) or the model's error.
   */
  async submit(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const harp = this.validate(request, 0);
    if (harp) await this.loadHarp();
    return this.scheduler.submit(request, harp, options.signal);
  }

  /**
   * Runs every request to completion; results are in request order, samples in index order. Validates all
   * requests before starting any. On abort, rejects with GenerationAborted whose `spent` sums all requests' work.
   */
  async generate(requests: readonly GenerateRequest[], options: GenerateOptions = {}): Promise<GenerateResult[]> {
    const harps = requests.map((r, i) => this.validate(r, i));
    if (harps.some((h) => h !== null)) await this.loadHarp();
    const settled = await Promise.allSettled(
      requests.map((r, i) => this.scheduler.submit(r, harps[i] ?? null, options.signal)),
    );
    const failed = settled.find((s) => s.status === "rejected");
    if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<GenerateResult>).value);
    const aborted = settled.find((s) => s.status === "rejected" && s.reason instanceof GenerationAborted);
    if (!aborted) throw failed.reason;
    const spent = { promptTokens: 0, generatedTokens: 0, flops: 0 };
    for (const s of settled) {
      const u = s.status === "fulfilled" ? usageOf(s.value) : s.reason instanceof GenerationAborted ? s.reason.spent : null;
      if (!u) continue;
      spent.promptTokens += u.promptTokens;
      spent.generatedTokens += u.generatedTokens;
      spent.flops += u.flops;
    }
    throw new GenerationAborted(spent, ((aborted as PromiseRejectedResult).reason as GenerationAborted).reason);
  }

  /** Batch rows, queued requests and KV columns of the scheduler right now. */
  schedulerStats() {
    return this.scheduler.stats();
  }

  /**
   * Loads what HARP needs on first use: model_embeds.onnx and embeddings.f32 from the model directory.
   * Rejects with InvalidRequest("harp_unsupported") when the directory lacks them.
   */
  loadHarp(): Promise<{ table: Float32Array }> {
    this.harpLoad ??= (async () => {
      const embedsPath = join(this.dir, "model_embeds.onnx");
      const tablePath = join(this.dir, "embeddings.f32");
      if (!existsSync(embedsPath) || !existsSync(tablePath)) {
        throw new InvalidRequest("harp_unsupported", `${this.dir} has no model_embeds.onnx + embeddings.f32 for HARP`);
      }
      const { vocab_size: V, hidden_size: C } = this.config;
      const bytes = await readFile(tablePath);
      if (bytes.byteLength !== V * C * 4) {
        throw new Error(`embeddings.f32 holds ${bytes.byteLength} bytes, expected vocab × hidden × 4 = ${V * C * 4}`);
      }
      const table = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const session = await ModelSession.create(embedsPath, this.dims, V, this.sessionSettings, { withStep: false });
      if (!session.takesEmbeds) throw new Error(`${embedsPath} does not take inputs_embeds`);
      this.embeds = { session, table };
      return { table };
    })();
    this.harpLoad.catch(() => {
      this.harpLoad = null;
    });
    return this.harpLoad;
  }

  /**
   * One raw forward of model_embeds.onnx (tests recompute a HARP step with it): inputsEmbeds [B, T, C], mask
   * [B][past + T] (default all ones), positions = cumsum(mask) − 1.
   */
  async forwardEmbeds(args: { inputsEmbeds: Float32Array; batch: number; seqLen: number; attentionMask?: number[][]; past?: KvCache }): Promise<ForwardOutput> {
    await this.loadHarp();
    const { batch, seqLen } = args;
    const pastKv = args.past ?? emptyKv(this.dims, batch);
    const { mask, pos } = maskAndPositions(args.attentionMask, batch, seqLen, pastKv.length);
    return this.embeds!.session.run({
      batch, seqLen, inputsEmbeds: args.inputsEmbeds, attentionMask: mask, positionIds: pos, past: pastKv,
    });
  }

  async close(): Promise<void> {
    await this.session.release();
    await this.embeds?.session.release();
  }

  /** Throws InvalidRequest; returns the resolved HARP settings (null in vanilla mode). */
  private validate({ prompt, params, mode, harp, tenant }: GenerateRequest, i: number): HarpSettings | null {
    const bad = (msg: string) => new InvalidRequest("invalid_request", `request ${i}: ${msg}`);
    if (prompt.length === 0) throw bad("empty prompt");
    if (prompt.length >= this.maxPositions) {
      throw new InvalidRequest(
        "prompt_too_long",
        `request ${i}: prompt has ${prompt.length} tokens; the model holds ${this.maxPositions} positions in all`,
      );
    }
    if (prompt.some((t) => !Number.isInteger(t) || t < 0 || t >= this.config.vocab_size)) throw bad("token id out of range");
    if (!Number.isInteger(params.n) || params.n < 1) throw bad("n must be a positive integer");
    if (!Number.isInteger(params.max_tokens) || params.max_tokens < 1) throw bad("max_tokens must be a positive integer");
    if (!(params.temperature >= 0) || !Number.isFinite(params.temperature)) throw bad("temperature must be >= 0");
    if (!(params.top_p > 0 && params.top_p <= 1)) throw bad("top_p must be in (0, 1]");
    if (params.top_k !== undefined && (!Number.isInteger(params.top_k) || params.top_k < 0)) throw bad("bad top_k");
    if (tenant !== undefined && typeof tenant !== "string") throw bad("tenant must be a string");
    if (mode === undefined || mode === "vanilla") return null;
    if (mode !== "harp") throw bad(`unknown mode ${JSON.stringify(mode)}; expected "vanilla" or "harp"`);
    const settings = resolveHarp(harp);
    const problem = harpProblem(settings);
    if (problem) throw bad(problem);
    return settings;
  }
}
