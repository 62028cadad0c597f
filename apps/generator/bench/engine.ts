// `pnpm bench:engine`: the engine's decode throughput by batch size next to what onnxruntime's MatMul reaches on
// this machine, before/after in-place decode steps, against transformers.js `generate` on the same model.onnx, and
// what best-of-N costs with a shared prefix vs N independent requests — every figure from this one run.
// Flags: --smoke (seconds), --batches 1,8,32,64,128, --steps 64, --threads 2, --matmul 1024, --best-of 64,
// --no-before (skip the full-present engine), --no-tjs (skip transformers.js), --model DIR (default models/policy/onnx).
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatPrompt } from "@thinktime/core";
import * as ort from "onnxruntime-node";
import { Engine, usageOf, type GenerateRequest, type GenerateResult } from "../src/engine/index.js";
import { matmulModel } from "./matmul-onnx.js";
import { loadTransformersJs, timeGenerate } from "./transformers-js.js";

const { values: flags } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    batches: { type: "string" },
    steps: { type: "string" },
    threads: { type: "string" },
    matmul: { type: "string" },
    "best-of": { type: "string" },
    "no-before": { type: "boolean", default: false },
    "no-tjs": { type: "boolean", default: false },
    model: { type: "string" },
  },
});
const smoke = flags.smoke;
const batches = (flags.batches ?? (smoke ? "1,8" : "1,8,32,64,128")).split(",").map(Number);
const steps = Number(flags.steps ?? (smoke ? 16 : 64));
const threads = Number(flags.threads ?? 2);
const matmulSize = Number(flags.matmul ?? (smoke ? 256 : 1024));
const bestOf = Number(flags["best-of"] ?? (smoke ? 16 : 64));
const minSeconds = smoke ? 0.3 : 2;
const MODEL_DIR = flags.model ?? fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));
const QUESTIONS = [
  "Ana has 12 apples. She gets 5 more. How many apples now?",
  "Ben has 3 coins. He finds 4 more. How many coins now?",
  "Cal has 40 cards. He loses 7. He finds 3 more. How many cards now?",
  "Dee has 5 stamps. She gets 9 more. How many stamps now?",
];

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
function table(head: string[], rows: (string | number)[][]): void {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  // The first column names the row (left-aligned); the rest are numbers (right-aligned).
  const line = (r: string[]) => `| ${r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of cells.slice(1)) console.log(line(r));
  console.log();
}

/** Best FLOP/s of C = A·B (size³) over repeated runs: the machine's practical limit for this thread count. */
async function matmulPeak(size: number): Promise<number> {
  const session = await ort.InferenceSession.create(matmulModel(), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const data = Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000);
  const a = new ort.Tensor("float32", data, [size, size]);
  await session.run({ A: a, B: a }); // warm-up
  let best = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minSeconds * 1000) {
    const t = performance.now();
    await session.run({ A: a, B: a });
    best = Math.max(best, (2 * size ** 3) / ((performance.now() - t) / 1000));
  }
  await session.release();
  return best;
}

interface Run {
  results: GenerateResult[];
  ms: number;
  steps: number;
  decodedRows: number;
}

async function timed(engine: Engine, requests: GenerateRequest[]): Promise<Run> {
  const before = engine.schedulerStats();
  const t0 = performance.now();
  const results = await Promise.all(requests.map((r) => engine.submit(r)));
  const ms = performance.now() - t0;
  const after = engine.schedulerStats();
  return { results, ms, steps: after.steps - before.steps, decodedRows: after.decodedRows - before.decodedRows };
}

const totals = (results: GenerateResult[]) =>
  results.map(usageOf).reduce((a, u) => ({
    promptTokens: a.promptTokens + u.promptTokens,
    generatedTokens: a.generatedTokens + u.generatedTokens,
    flops: a.flops + u.flops,
  }));

console.log(
  `# engine benchmark: threads=${threads}, steps=${steps}, matmul=${matmulSize}³, best-of=${bestOf}` +
    ` (load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}; ${smoke ? "smoke sizes" : "full sizes"})\n`,
);
const peak = await matmulPeak(matmulSize);
console.log(`onnxruntime MatMul ${matmulSize}×${matmulSize}×${matmulSize}: ${fmt(peak / 1e9, 2)} GFLOP/s (best run)\n`);

const encode = (engine: Engine, i: number) => engine.tokenizer.encode(formatPrompt(QUESTIONS[i % QUESTIONS.length]!));

/** Sampled decode of 2B samples through the scheduler with at most B rows: tokens/s and achieved FLOP/s. */
async function decodeThroughput(B: number, before: boolean) {
  // Continuous batching keeps B rows busy: 2B samples queued, in requests of up to 8 samples sharing a prefill.
  const engine = await Engine.load(MODEL_DIR, {
    intraOpNumThreads: threads, maxBatchRows: B, inPlaceDecode: !before, allowSpinning: before,
  });
  const k = Math.min(B, 8);
  const requests = Array.from({ length: Math.ceil((2 * B) / k) }, (_, i) => ({
    prompt: encode(engine, i), params: { n: k, temperature: 1, top_p: 1, seed: i, max_tokens: steps },
  }));
  await engine.submit({ prompt: encode(engine, 0), params: { n: 1, temperature: 1, top_p: 1, seed: 0, max_tokens: 2 } });
  const run = await timed(engine, requests);
  await engine.close();
  const t = totals(run.results);
  return { run, tokens: t.generatedTokens, tokPerS: t.generatedTokens / (run.ms / 1000), flops: t.flops / (run.ms / 1000) };
}

const rows: (string | number)[][] = [];
for (const B of batches) {
  const after = await decodeThroughput(B, false);
  const before = flags["no-before"] ? null : await decodeThroughput(B, true);
  rows.push([
    B, fmt(after.run.decodedRows / Math.max(1, after.run.steps), 1), after.tokens, fmt(after.run.ms),
    fmt(after.tokPerS), fmt(after.flops / 1e9, 3), `${fmt((100 * after.flops) / peak, 2)}%`,
    before ? fmt(before.tokPerS) : "—", before ? `${fmt((100 * before.flops) / peak, 2)}%` : "—",
    before ? `${fmt(after.tokPerS / before.tokPerS, 2)}×` : "—",
  ]);
}
console.log("## decode throughput (temperature 1, 2×batch samples through the scheduler; FLOPs from the billing formula)\n");
console.log(
  "after = in-place decode steps (a step graph without the KV Concat; only the new KV column leaves onnxruntime;\n" +
    "rows join and leave without copying the batch) and no ORT thread spinning;\n" +
    "before = the engine as it was: the full present fetched every step, ORT's default spinning threads.\n",
);
table(
  ["max batch", "mean rows/step", "tokens", "wall ms", "tokens/s", "GFLOP/s", "% of MatMul", "before tok/s", "before %", "speed-up"],
  rows,
);

// The baseline a TypeScript user would otherwise pick: transformers.js generate() on the same model.onnx, greedy,
// B prompts at once, against the engine given the same B greedy requests.
if (!flags["no-tjs"]) {
  const tjs = await loadTransformersJs(MODEL_DIR, threads);
  const tjsRows: (string | number)[][] = [];
  for (const B of batches) {
    const engine = await Engine.load(MODEL_DIR, { intraOpNumThreads: threads, maxBatchRows: B });
    const prompts = Array.from({ length: B }, (_, i) => encode(engine, i));
    const greedy = (prompt: number[]): GenerateRequest => ({
      prompt, params: { n: 1, temperature: 0, top_p: 1, seed: 0, max_tokens: steps },
    });
    await engine.submit(greedy(prompts[0]!));
    const ours = await timed(engine, prompts.map(greedy));
    await engine.close();
    const { eosId, padId } = engine.tokenizer;
    await timeGenerate(tjs, prompts.slice(0, 1), 2, eosId, padId); // warm-up
    const theirs = await timeGenerate(tjs, prompts, steps, eosId, padId);
    const oursTokens = totals(ours.results).generatedTokens;
    const same = ours.results.filter((r, i) => r.samples[0]!.tokens.join() === theirs.rows[i]!.join()).length;
    const oursRate = oursTokens / (ours.ms / 1000);
    const theirRate = theirs.tokens / (theirs.ms / 1000);
    tjsRows.push([B, oursTokens, fmt(oursRate), theirs.tokens, fmt(theirRate), `${fmt(oursRate / theirRate, 2)}×`, `${same}/${B}`]);
  }
  await tjs.release();
  console.log(`## engine vs transformers.js generate() (greedy, B prompts, up to ${steps} new tokens, same model.onnx)\n`);
  table(["batch", "engine tokens", "engine tok/s", "transformers.js tokens", "transformers.js tok/s", "ratio", "same output"], tjsRows);
}

// Best-of-N of one prompt: one request (one prefill, N streams) vs N independent requests (N prefills).
const engine = await Engine.load(MODEL_DIR, { intraOpNumThreads: threads, maxBatchRows: bestOf });
const prompt = encode(engine, 2);
const sample = (n: number, seed: number): GenerateRequest => ({
  prompt, params: { n, temperature: 1, top_p: 1, seed, max_tokens: steps },
});
await engine.submit(sample(1, 0));
const shared = await timed(engine, [sample(bestOf, 1)]);
const independent = await timed(engine, Array.from({ length: bestOf }, (_, i) => sample(1, 100 + i)));
const oneAtATime = smoke ? null : await (async () => {
  const t0 = performance.now();
  const results: GenerateResult[] = [];
  for (let i = 0; i < bestOf; i++) results.push(await engine.submit(sample(1, 100 + i)));
  return { results, ms: performance.now() - t0 };
})();
await engine.close();
const ideal = totals(shared.results);
const bestRows = [
  ["one request, n = N (1 prefill + N decode streams)", shared],
  ["N independent requests, batched together", independent],
  ...(oneAtATime ? [["N requests one at a time (no batching)", oneAtATime] as const] : []),
].map(([name, run]) => {
  const t = totals((run as { results: GenerateResult[] }).results);
  const ms = (run as { ms: number }).ms;
  return [
    name as string, t.promptTokens, t.generatedTokens, fmt(ms), fmt((1000 * ms) / t.generatedTokens, 1),
    fmt(t.flops / 1e9, 3), fmt(t.flops / ideal.flops, 2),
  ];
});
console.log(`## best-of-${bestOf} of one prompt (${prompt.length} prompt tokens, max ${steps} new tokens per sample)\n`);
table(["how", "prompt tokens", "generated", "wall ms", "ms / 1k tokens", "GFLOP", "FLOPs vs shared"], bestRows);
