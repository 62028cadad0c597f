// The ONNX Runtime sessions of the policy model: tensor wiring for the Optimum decoder layout (KV in, present out),
// and an in-place decode step on a graph without the KV Concat that returns only the new KV column (onnx-proto.ts).
import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import type { KvCache, KvDims } from "./kv-cache.js";
import { concatFreeStepModel, exposeNewKv } from "./onnx-proto.js";

export interface SessionSettings {
  /** ONNX Runtime execution provider name ("cpu", "cuda", …). */
  executionProvider: string;
  /** Threads ORT uses inside one operator; undefined lets ORT decide. */
  intraOpNumThreads?: number;
  /**
   * Let ORT's intra-op threads spin between operators (ORT's default). Default false: a decode step is hundreds of
   * small operators, and threads spinning on a CPU shared with other work (the verifier's ORT, a training job)
   * took cores from the thread with work — 2.3× slower batch-64 steps in one measurement under load; other runs
   * showed no clear difference either way, so this is a setting, not a law.
   */
  allowSpinning?: boolean;
}

export interface ForwardInput {
  batch: number;
  /** T: new tokens per row. */
  seqLen: number;
  /** [B, T] token ids (model.onnx) … */
  inputIds?: BigInt64Array;
  /** … or [B, T, C] input embeddings (model_embeds.onnx, HARP's reframing pass). */
  inputsEmbeds?: Float32Array;
  /** [B, past + T]: 1 = real token. */
  attentionMask: BigInt64Array;
  /** [B, T]. */
  positionIds: BigInt64Array;
  /** Past KV with `past.batch === batch` (length 0 for a prefill). */
  past: KvCache;
}

/** A decode step on a cache with room: one token per row, the mask [B, capacity + 1] (unused columns 0). */
export interface StepInput {
  batch: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  /** length < capacity; the step writes column `length` of every row and advances length by one. */
  kv: KvCache;
}

export interface ForwardOutput {
  /** [B, T, V]. */
  logits: Float32Array;
  /** The past for the next step: length = past.length + T. */
  present: KvCache;
}

/** How step() runs: a graph without the KV Concat (fast), the model with new.* outputs added, or not at all. */
export type StepGraph = "concat-free" | "new-kv-outputs" | "none";

export class ModelSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    /** The decode-step graph (see onnx-proto.ts); null when the model's layout is not the expected one. */
    private readonly stepSession: ort.InferenceSession | null,
    readonly stepGraph: StepGraph,
    readonly dims: KvDims,
    readonly vocabSize: number,
    /** True for model_embeds.onnx: the first input is inputs_embeds [B, T, C] instead of input_ids. */
    readonly takesEmbeds: boolean,
  ) {}

  /** step() can decode on a cache kept in JS, writing the new column in place. */
  get stepsInPlace(): boolean {
    return this.stepSession !== null;
  }

  /** `withStep`: also build the in-place decode-step session (the policy; not HARP's embeds model). */
  static async create(
    modelPath: string,
    dims: KvDims,
    vocabSize: number,
    settings: SessionSettings,
    { withStep = true }: { withStep?: boolean } = {},
  ): Promise<ModelSession> {
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: [settings.executionProvider],
      graphOptimizationLevel: "all",
      ...(settings.intraOpNumThreads !== undefined ? { intraOpNumThreads: settings.intraOpNumThreads } : {}),
      interOpNumThreads: 1,
      extra: { session: { intra_op: { allow_spinning: settings.allowSpinning ? "1" : "0" } } },
    };
    const session = await ort.InferenceSession.create(modelPath, options);
    for (let l = 0; l < dims.layers; l++) {
      for (const kind of ["key", "value"]) {
        if (!session.inputNames.includes(`past_key_values.${l}.${kind}`)) {
          throw new Error(`${modelPath} has no input past_key_values.${l}.${kind}: not the expected decoder layout`);
        }
      }
    }
    const takesEmbeds = session.inputNames.includes("inputs_embeds");
    if (!takesEmbeds && !session.inputNames.includes("input_ids")) {
      throw new Error(`${modelPath} takes neither input_ids nor inputs_embeds`);
    }
    let stepGraph: StepGraph = "none";
    let stepSession: ort.InferenceSession | null = null;
    if (withStep && !takesEmbeds) {
      const buf = await readFile(modelPath);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      const concatFree = concatFreeStepModel(bytes, dims.layers);
      const withNewKv = concatFree ? null : exposeNewKv(bytes, dims.layers);
      const graph = concatFree ?? withNewKv;
      if (graph) {
        stepSession = await ort.InferenceSession.create(graph, options);
        stepGraph = concatFree ? "concat-free" : "new-kv-outputs";
      }
    }
    return new ModelSession(session, stepSession, stepGraph, dims, vocabSize, takesEmbeds);
  }

  async run(input: ForwardInput): Promise<ForwardOutput> {
    const { batch, seqLen, past } = input;
    const { layers, heads, headDim } = this.dims;
    if (past.batch !== batch) throw new Error(`past has ${past.batch} rows, input has ${batch}`);
    if (past.capacity !== past.length) throw new Error("run() needs a past without spare columns");
    const total = past.length + seqLen;
    const feeds: Record<string, ort.Tensor> = {
      attention_mask: new ort.Tensor("int64", input.attentionMask, [batch, total]),
      position_ids: new ort.Tensor("int64", input.positionIds, [batch, seqLen]),
    };
    if (this.takesEmbeds) {
      const embeds = input.inputsEmbeds;
      if (!embeds || embeds.length % (batch * seqLen) !== 0) throw new Error("this session needs inputsEmbeds [B, T, C]");
      feeds.inputs_embeds = new ort.Tensor("float32", embeds, [batch, seqLen, embeds.length / (batch * seqLen)]);
    } else {
      if (!input.inputIds) throw new Error("this session needs inputIds [B, T]");
      feeds.input_ids = new ort.Tensor("int64", input.inputIds, [batch, seqLen]);
    }
    const pastDims = [batch, heads, past.length, headDim];
    const used = batch * heads * past.length * headDim; // rows past `batch` are spare room
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = new ort.Tensor("float32", past.keys[l]!.subarray(0, used), pastDims);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor("float32", past.values[l]!.subarray(0, used), pastDims);
    }
    const out = await this.session.run(feeds);
    const keys: Float32Array[] = [];
    const values: Float32Array[] = [];
    for (let l = 0; l < layers; l++) {
      keys.push(out[`present.${l}.key`]!.data as Float32Array);
      values.push(out[`present.${l}.value`]!.data as Float32Array);
    }
    return {
      logits: out.logits!.data as Float32Array,
      present: { layers, heads, headDim, batch, length: total, capacity: total, rowCapacity: batch, keys, values },
    };
  }

  /**
   * One decode step that leaves the cache where it is: the whole [B, H, capacity, D] cache goes in (spare columns
   * masked), only logits [B, 1, V] and the new column come back, and the new column is written at `length`.
   * Fetching the full present instead would copy the cache out of ONNX Runtime every step.
   */
  async step({ batch, inputIds, attentionMask, positionIds, kv }: StepInput): Promise<Float32Array> {
    const { layers, heads, headDim } = this.dims;
    const stepSession = this.stepSession;
    if (!stepSession) throw new Error("this model has no in-place decode step; use run()");
    if (kv.batch !== batch || kv.length >= kv.capacity) throw new Error("step() needs a cache with a spare column");
    const cap = kv.capacity;
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor("int64", inputIds, [batch, 1]),
      attention_mask: new ort.Tensor("int64", attentionMask, [batch, cap + 1]),
      position_ids: new ort.Tensor("int64", positionIds, [batch, 1]),
    };
    const dims = [batch, heads, cap, headDim];
    const used = batch * heads * cap * headDim; // rows past `batch` are spare room
    const fetches = ["logits"];
    for (let l = 0; l < layers; l++) {
      feeds[`past_key_values.${l}.key`] = new ort.Tensor("float32", kv.keys[l]!.subarray(0, used), dims);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor("float32", kv.values[l]!.subarray(0, used), dims);
      fetches.push(`new.${l}.key`, `new.${l}.value`);
    }
    const out = await stepSession.run(feeds, fetches);
    for (let l = 0; l < layers; l++) {
      const newK = out[`new.${l}.key`]!.data as Float32Array;
      const newV = out[`new.${l}.value`]!.data as Float32Array;
      const k = kv.keys[l]!;
      const v = kv.values[l]!;
      for (let r = 0; r < batch * heads; r++) {
        const dst = (r * cap + kv.length) * headDim;
        const src = r * headDim;
        for (let d = 0; d < headDim; d++) {
          k[dst + d] = newK[src + d]!;
          v[dst + d] = newV[src + d]!;
        }
      }
    }
    kv.length += 1;
    return out.logits!.data as Float32Array;
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.stepSession?.release();
  }
}
