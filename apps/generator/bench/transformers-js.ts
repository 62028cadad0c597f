// transformers.js `generate` on the policy's own model.onnx: the library a TypeScript user would otherwise pick,
// timed as the engine benchmark's baseline. Reads <onnx>/transformers-js/ (models/zoo/transformers_js.py writes it).
import { dirname, join } from "node:path";
import { AutoModelForCausalLM, AutoTokenizer, env, Tensor, type PreTrainedModel } from "@huggingface/transformers";

export interface TransformersJs {
  model: PreTrainedModel;
  encode(text: string): number[];
  release(): Promise<void>;
}

/** Loads the model offline; model.onnx is the same file the engine runs (subfolder ".." from the config's folder). */
export async function loadTransformersJs(onnxDir: string, threads: number): Promise<TransformersJs> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(join(onnxDir, "transformers-js"));
  const options = {
    subfolder: "..", dtype: "fp32", device: "cpu", local_files_only: true,
    // The engine's own session settings (no spinning threads), so the ratio compares the decoders, not a knob.
    session_options: {
      intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: "0" } } },
    },
  } as const;
  const model = await AutoModelForCausalLM.from_pretrained("transformers-js", options);
  const tokenizer = await AutoTokenizer.from_pretrained("transformers-js", { local_files_only: true });
  return {
    model,
    encode: (text) => (tokenizer.encode(text) as number[]).map(Number),
    release: async () => {
      await model.dispose();
    },
  };
}

/**
 * Greedy `generate` of a left-padded batch of prompts for `maxNewTokens` tokens; returns the wall time and the
 * tokens each row wrote up to and including its EOS (what the engine counts), so the two count alike.
 */
export async function timeGenerate(
  tjs: TransformersJs,
  prompts: number[][],
  maxNewTokens: number,
  eosId: number,
  padId: number,
): Promise<{ ms: number; tokens: number; rows: number[][] }> {
  const B = prompts.length;
  const T = Math.max(...prompts.map((p) => p.length));
  const ids = new BigInt64Array(B * T).fill(BigInt(padId));
  const mask = new BigInt64Array(B * T);
  prompts.forEach((p, b) => {
    p.forEach((t, j) => {
      ids[b * T + T - p.length + j] = BigInt(t);
      mask[b * T + T - p.length + j] = 1n;
    });
  });
  const t0 = performance.now();
  const out = (await tjs.model.generate({
    input_ids: new Tensor("int64", ids, [B, T]),
    attention_mask: new Tensor("int64", mask, [B, T]),
    max_new_tokens: maxNewTokens,
    do_sample: false,
  })) as Tensor;
  const ms = performance.now() - t0;
  const width = out.dims[1]!;
  const data = out.data as BigInt64Array;
  const rows: number[][] = [];
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    const row: number[] = [];
    for (let j = T; j < width; j++) {
      const t = Number(data[b * width + j]!);
      row.push(t);
      if (t === eosId) break;
    }
    rows.push(row);
    tokens += row.length;
  }
  return { ms, tokens, rows };
}
