// Decode throughput of the engine on this machine: raw batched KV decode steps, and end-to-end generate().
// Usage: pnpm exec tsx scripts/bench-decode.ts [threads] [steps]
import { fileURLToPath } from "node:url";
import { formatPrompt } from "@thinktime/core";
import { Engine } from "../src/engine/index.js";

const threads = Number(process.argv[2] ?? 1);
const steps = Number(process.argv[3] ?? 128);
const dir = fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));
const engine = await Engine.load(dir, { intraOpNumThreads: threads });
const prompt = engine.tokenizer.encode(formatPrompt("Ana has 12 apples. She gets 5 more. How many apples now?"));

for (const batch of [1, 4, 16]) {
  // Raw decode: prefill once per row, then `steps` forwards of [B, 1] with the growing KV cache.
  let out = await engine.forward({ inputIds: Array.from({ length: batch }, () => prompt) });
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    out = await engine.forward({ inputIds: Array.from({ length: batch }, () => [5]), past: out.present });
  }
  const ms = performance.now() - t0;
  // End to end: generate() with n = batch (EOS may end rows early; count what was generated).
  const t1 = performance.now();
  const [res] = await engine.generate([{ prompt, params: { n: batch, temperature: 1, top_p: 1, seed: 1, max_tokens: steps } }]);
  const ms2 = performance.now() - t1;
  const gen = res!.samples.reduce((n, s) => n + s.tokens.length, 0);
  console.log(
    `threads=${threads} batch=${batch}: raw decode ${((batch * steps) / (ms / 1000)).toFixed(0)} tok/s ` +
      `(${(ms / steps).toFixed(2)} ms/step); generate ${(gen / (ms2 / 1000)).toFixed(0)} tok/s (${gen} tokens, ${ms2.toFixed(0)} ms)`,
  );
}
await engine.close();
