// `pnpm bench:harp`: greedy accuracy and FLOPs on the arith test split for vanilla decoding, faithful HARP, cached
// HARP and beam search (3 beams, top-5 expansion: the HARP paper's baseline), by difficulty, as a markdown table.
// Flags: --per-step 200 (problems per difficulty), --steps 1-8 (or 1,3,5), --max-tokens 192, --threads 2,
// --theta 1 --delta 0.2 --beta 0.5 --window 8 (HARP), --beam-concurrency 4, --no-beam, --model DIR (default models/policy/onnx).
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { answersEqual, arithSplit, extractAnswer, formatPrompt, type ArithProblem } from "@thinktime/core";
import { Engine, usageOf, type GenerateRequest, type HarpParams } from "../src/engine/index.js";
import { beamSearch } from "./beam-search.js";

const { values: flags } = parseArgs({
  options: {
    "per-step": { type: "string", default: "200" },
    steps: { type: "string", default: "1-8" },
    "max-tokens": { type: "string", default: "192" },
    threads: { type: "string", default: "2" },
    theta: { type: "string", default: "1" },
    delta: { type: "string", default: "0.2" },
    beta: { type: "string", default: "0.5" },
    window: { type: "string", default: "8" },
    "beam-concurrency": { type: "string", default: "4" },
    "no-beam": { type: "boolean", default: false },
    model: { type: "string" },
  },
});
const perStep = Number(flags["per-step"]);
const stepList = flags.steps.includes("-")
  ? (([a, b]) => Array.from({ length: b! - a! + 1 }, (_, i) => a! + i))(flags.steps.split("-").map(Number))
  : flags.steps.split(",").map(Number);
const maxTokens = Number(flags["max-tokens"]);
const harp = (variant: "faithful" | "cached"): HarpParams => ({
  theta: Number(flags.theta), delta: Number(flags.delta), beta: Number(flags.beta), variant, window: Number(flags.window),
});
const MODEL_DIR = flags.model ?? fileURLToPath(new URL("../../../models/policy/onnx", import.meta.url));

interface Outcome {
  correct: boolean;
  flops: number;
  tokens: number;
  reframes: number;
}
interface MethodRun {
  name: string;
  outcomes: Outcome[];
  ms: number;
}

const problems: ArithProblem[] = stepList.flatMap((steps) => arithSplit("test", { steps, count: perStep }));
const engine = await Engine.load(MODEL_DIR, { intraOpNumThreads: Number(flags.threads) });
const prompts = problems.map((p) => engine.tokenizer.encode(formatPrompt(p.question)));
const isRight = (p: ArithProblem, text: string) => answersEqual(extractAnswer(text), String(p.answer));

console.log(
  `# HARP on the arith test split: ${problems.length} problems (${perStep} per difficulty, steps ${stepList.join(",")}),` +
    ` greedy, max ${maxTokens} tokens; HARP θ=${flags.theta} δ=${flags.delta} β=${flags.beta}, cached window ${flags.window}` +
    ` (model ${engine.name}, trained iters ${String(engine.config.train_iters ?? "?")}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")})\n`,
);

/** Every problem as one greedy request through the batched scheduler (seeded: HARP's dropout masks are fixed). */
async function decode(name: string, mode: "vanilla" | "harp", settings?: HarpParams): Promise<MethodRun> {
  const requests: GenerateRequest[] = prompts.map((prompt, i) => ({
    prompt, mode, ...(settings ? { harp: settings } : {}),
    params: { n: 1, temperature: 0, top_p: 1, seed: i, max_tokens: maxTokens },
  }));
  const t0 = performance.now();
  const results = await engine.generate(requests);
  const ms = performance.now() - t0;
  const outcomes = results.map((r, i) => ({
    correct: isRight(problems[i]!, r.samples[0]!.text),
    flops: usageOf(r).flops,
    tokens: r.samples[0]!.tokens.length,
    reframes: r.samples[0]!.reframes,
  }));
  return { name, outcomes, ms };
}

/** Beam search per problem, a few problems at a time (each search is a sequence of small forwards). */
async function beams(): Promise<MethodRun> {
  const outcomes: Outcome[] = new Array(problems.length);
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < problems.length; i = next++) {
      const r = await beamSearch(engine, prompts[i]!, { beams: 3, expand: 5, maxTokens });
      outcomes[i] = { correct: isRight(problems[i]!, r.text), flops: r.flops, tokens: r.tokens.length, reframes: 0 };
    }
  };
  await Promise.all(Array.from({ length: Number(flags["beam-concurrency"]) }, worker));
  return { name: "beam search (3 beams, top-5)", outcomes, ms: performance.now() - t0 };
}

const runs: MethodRun[] = [];
for (const [name, run] of [
  ["vanilla greedy", () => decode("vanilla greedy", "vanilla")],
  ["HARP faithful", () => decode("HARP faithful", "harp", harp("faithful"))],
  ["HARP cached", () => decode("HARP cached", "harp", harp("cached"))],
  ...(flags["no-beam"] ? [] : [["beam search", beams] as const]),
] as const) {
  process.stderr.write(`running ${name} …\n`);
  runs.push(await run());
}
await engine.close();

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pts = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}`;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
function summarize(keep: (p: ArithProblem) => boolean) {
  const idx = problems.map((p, i) => (keep(p) ? i : -1)).filter((i) => i >= 0);
  return runs.map((r) => {
    const picked = idx.map((i) => r.outcomes[i]!);
    return {
      acc: sum(picked.map((o) => (o.correct ? 1 : 0))) / Math.max(1, picked.length),
      flops: sum(picked.map((o) => o.flops)),
      tokens: sum(picked.map((o) => o.tokens)),
      reframes: sum(picked.map((o) => o.reframes)),
      n: picked.length,
    };
  });
}

function table(head: string[], rows: string[][]): void {
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map((_, c) => (c === 0 ? "---" : "---:")).join("|")}|`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log();
}

const groups: [string, (p: ArithProblem) => boolean][] = [
  ...stepList.map((s): [string, (p: ArithProblem) => boolean] => [`${s}`, (p) => p.steps === s]),
  ["≥ 3", (p) => p.steps >= 3],
  ["all", () => true],
];
const head = ["steps", "n", ...runs.map((r) => `${r.name} acc`), ...runs.slice(1).map((r) => `${r.name} Δ pts`)];
console.log("## greedy accuracy by difficulty (Δ vs vanilla, in points)\n");
table(head, groups.map(([label, keep]) => {
  const s = summarize(keep);
  return [label, String(s[0]!.n), ...s.map((m) => pct(m.acc)), ...s.slice(1).map((m) => pts(m.acc - s[0]!.acc))];
}));

console.log("## FLOPs by difficulty (ratio vs vanilla; FLOPs from the billing formula, prompt counted once)\n");
table(
  ["steps", "vanilla GFLOP", ...runs.slice(1).map((r) => `${r.name} ×`), "HARP faithful reframes / token", "HARP cached reframes / token"],
  groups.map(([label, keep]) => {
    const s = summarize(keep);
    const perToken = (m: (typeof s)[number] | undefined) => (m ? (m.reframes / Math.max(1, m.tokens)).toFixed(3) : "—");
    return [
      label, (s[0]!.flops / 1e9).toFixed(2), ...s.slice(1).map((m) => (m.flops / s[0]!.flops).toFixed(3)),
      perToken(s[1]), perToken(s[2]),
    ];
  }),
);

console.log("## wall time (this machine, batched scheduler for vanilla/HARP; beam search runs its own forwards)\n");
table(["method", "wall s", "tokens", "GFLOP"], runs.map((r) => [
  r.name, (r.ms / 1000).toFixed(1), String(sum(r.outcomes.map((o) => o.tokens))), (sum(r.outcomes.map((o) => o.flops)) / 1e9).toFixed(2),
]));
