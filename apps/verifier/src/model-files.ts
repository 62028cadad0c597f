// Reads an exported zoo model's config.json and tokenizer.json and opens its ONNX sessions with shared settings.
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { z } from "zod";
import { CharTokenizer, type TokenizerSpec } from "@thinktime/core";
import type { ModelShape } from "./verifiers/types.js";

export const ModelConfig = z.looseObject({
  vocab_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive(),
  pad_token_id: z.number().int().nonnegative().optional(),
  hidden_size: z.number().int().positive().optional(),
  num_hidden_layers: z.number().int().positive().optional(),
  num_attention_heads: z.number().int().positive().optional(),
  head_dim: z.number().int().positive().optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

/** The size fields a caller prices tokens with; undefined when config.json lacks one of them. */
export function shapeOf(config: ModelConfig): ModelShape | undefined {
  const params = (config as Record<string, unknown>).num_parameters;
  const { num_hidden_layers: layers, hidden_size: hidden } = config;
  if (typeof params !== "number" || !layers || !hidden) return undefined;
  return { num_parameters: params, num_hidden_layers: layers, hidden_size: hidden };
}

const TokenizerJson = z.looseObject({
  type: z.literal("char"),
  vocab: z.array(z.string()),
  pad_id: z.number().int().nonnegative(),
  bos_id: z.number().int().nonnegative(),
  eos_id: z.number().int().nonnegative(),
  unk_id: z.number().int().nonnegative(),
});

export async function readModelFiles(dir: string): Promise<{ config: ModelConfig; tokenizer: CharTokenizer }> {
  const config = ModelConfig.parse(JSON.parse(await readFile(path.join(dir, "config.json"), "utf8")));
  const spec = TokenizerJson.parse(JSON.parse(await readFile(path.join(dir, "tokenizer.json"), "utf8")));
  const tokenizer = new CharTokenizer(spec as TokenizerSpec);
  if (tokenizer.vocabSize > config.vocab_size) {
    throw new Error(`tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${config.vocab_size}`);
  }
  return { config, tokenizer };
}

export async function openSession(file: string, threads: number | undefined): Promise<ort.InferenceSession> {
  // No spin-waiting between runs: the threads would take the CPU from the event loop serving the next request.
  const options: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: "all",
    extra: { session: { intra_op: { allow_spinning: "0" }, inter_op: { allow_spinning: "0" } } },
  };
  if (threads !== undefined) {
    options.intraOpNumThreads = threads;
    options.interOpNumThreads = 1;
  }
  return ort.InferenceSession.create(file, options);
}

export function requireIo(session: ort.InferenceSession, what: string, inputs: string[], outputs: string[]): void {
  for (const name of inputs) {
    if (!session.inputNames.includes(name)) throw new Error(`${what} has no input "${name}" (has ${session.inputNames.join(", ")})`);
  }
  for (const name of outputs) {
    if (!session.outputNames.includes(name)) throw new Error(`${what} has no output "${name}" (has ${session.outputNames.join(", ")})`);
  }
}
