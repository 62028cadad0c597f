// Reads a model directory (config.json, tokenizer.json, model.onnx) into validated settings the engine can trust.
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { CharTokenizer, type FlopsModel, type TokenizerSpec } from "@thinktime/core";
import { z } from "zod";

const positiveInt = z.number().int().positive();

/** The Hugging Face-style fields of config.json the engine reads; anything else is kept but ignored. */
export const ModelConfig = z.looseObject({
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  head_dim: positiveInt,
  max_position_embeddings: positiveInt,
  num_parameters: positiveInt,
  bos_token_id: z.number().int().nonnegative(),
  eos_token_id: z.number().int().nonnegative(),
  pad_token_id: z.number().int().nonnegative(),
  name: z.string().min(1).optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;

export interface ModelFiles {
  dir: string;
  /** Billing/display name: config.name, else the folder name (`models/policy/onnx` → `policy`). */
  name: string;
  config: ModelConfig;
  tokenizer: CharTokenizer;
  modelPath: string;
}

export function modelNameFromDir(dir: string, config: ModelConfig): string {
  if (config.name) return config.name;
  const base = basename(dir);
  return base === "onnx" ? basename(dirname(dir)) : base;
}

export function flopsModel(config: ModelConfig): FlopsModel {
  return { numParameters: config.num_parameters, numLayers: config.num_hidden_layers, hiddenSize: config.hidden_size };
}

/** The FLOPs model of an exported model folder from its config.json alone: what the worker bills a verifier's
 * calls with (the verifier serves its own copy of the folder; only the shape matters here). */
export async function readFlopsModel(dir: string): Promise<FlopsModel> {
  return flopsModel(ModelConfig.parse(JSON.parse(await readFile(join(resolve(dir), "config.json"), "utf8"))));
}

export async function readModelDir(dir: string, modelFile = "model.onnx"): Promise<ModelFiles> {
  const abs = resolve(dir);
  const config = ModelConfig.parse(JSON.parse(await readFile(join(abs, "config.json"), "utf8")));
  const tokenizer = new CharTokenizer(JSON.parse(await readFile(join(abs, "tokenizer.json"), "utf8")) as TokenizerSpec);
  if (tokenizer.vocabSize !== config.vocab_size) {
    throw new Error(`tokenizer has ${tokenizer.vocabSize} tokens but config.vocab_size is ${config.vocab_size}`);
  }
  if (tokenizer.eosId !== config.eos_token_id || tokenizer.bosId !== config.bos_token_id) {
    throw new Error("tokenizer.json and config.json disagree on BOS/EOS ids");
  }
  return { dir: abs, name: modelNameFromDir(abs, config), config, tokenizer, modelPath: join(abs, modelFile) };
}
