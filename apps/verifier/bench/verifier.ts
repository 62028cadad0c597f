// `pnpm bench:verifier`: throughput and latency with and without dynamic batching, and a beam scored step by step
// incrementally (KV cache) vs by full re-scoring. Real servers over real HTTP; prints markdown tables.
//   pnpm bench:verifier [--seconds 3] [--models orm,prm,prm+kv] [--prm-dir models/prm/onnx] [--beam 16] [--steps 10] [--threads N]
//                       [--runs-on thread,event-loop]
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { generateArith } from "@thinktime/core";
import { PrmScorer } from "../src/prm-scorer.js";
import type { ScoreStepsResponse } from "../src/schema.js";
import { encodeSteps } from "../src/steps.js";
import { startVerifier, type RunningVerifier, type StartVerifierOptions } from "../src/server.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    /** orm, prm (full passes), prm+kv (incremental beam growth). */
    models: { type: "string", default: "orm,prm,prm+kv" },
    "orm-dir": { type: "string", default: "models/orm/onnx" },
    "prm-dir": { type: "string", default: "models/prm/onnx" },
    beam: { type: "string", default: "16" },
    steps: { type: "string", default: "10" },
    threads: { type: "string" },
    concurrency: { type: "string", default: "1,8,64" },
    /** Where the models run: thread (the product: a worker thread per model), event-loop (the baseline before it). */
    "runs-on": { type: "string", default: "thread,event-loop" },
  },
});
const TOKEN = "bench-token";
const seconds = Number(args.seconds);
const base: StartVerifierOptions = {
  port: 0,
  host: "127.0.0.1",
  token: TOKEN,
  ormDir: path.resolve(REPO, args["orm-dir"]!),
  prmDir: path.resolve(REPO, args["prm-dir"]!),
  threads: args.threads === undefined ? undefined : Number(args.threads),
};
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

/** Distinct realistic items, so neither the KV cache nor anything else can reuse work between requests. */
const items = Array.from({ length: 4096 }, (_, i) => {
  const p = generateArith(1_000_003 + i, { steps: 1 + (i % 6), digits: 2 });
  return { question: p.question, solution: p.solution };
});

async function post(url: string, route: string, body: unknown): Promise<Response> {
  const res = await fetch(`${url}${route}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${await res.text()}`);
  return res;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function batchMean(v: RunningVerifier, model: string): Promise<number> {
  const text = await (await fetch(`${v.url}/metrics`)).text();
  const num = (name: string) => Number(new RegExp(`${name}\\{model="${model}"\\} ([\\d.e+]+)`).exec(text)?.[1] ?? Number.NaN);
  return num("verifier_batch_size_sum") / num("verifier_batch_size_count");
}

/** A 10-step solution to grow one step per request: what a beam search sends the PRM. */
function chain(seed: number, steps = 10): { question: string; steps: string[] } {
  const p = generateArith(seed, { steps: 3, digits: 2 });
  let x = p.start;
  return {
    question: p.question,
    steps: Array.from({ length: steps }, (_, k) => {
      const line = `${x}+${k + 1}=${x + k + 1}`;
      x += k + 1;
      return line;
    }),
  };
}

/** The load generator, in a worker thread so the callers' HTTP work does not share the server's event loop. */
const CALLERS_JS = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, route, model, callers, items, beams, incremental, warmupMs, seconds, token } = workerData;
const headers = { authorization: "Bearer " + token, "content-type": "application/json" };
let next = 0, measuring = false, stop = false;
const latencies = [], health = [];
async function pinger() {
  while (!stop) {
    const t0 = performance.now();
    const res = await fetch(url + "/healthz");
    await res.arrayBuffer();
    if (measuring) health.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
}
async function caller() {
  let beam = beams[next++ % beams.length], k = 0;
  while (!stop) {
    if (incremental && k === beam.steps.length) { beam = beams[next++ % beams.length]; k = 0; }
    const item = incremental ? { question: beam.question, solution: beam.steps.slice(0, ++k).join("\\n") } : items[next++ % items.length];
    const t0 = performance.now();
    const res = await fetch(url + route, { method: "POST", headers, body: JSON.stringify({ model, items: [item] }) });
    if (res.status !== 200) throw new Error(route + " answered " + res.status + ": " + (await res.text()));
    await res.arrayBuffer();
    if (measuring) latencies.push(performance.now() - t0);
  }
}
(async () => {
  const running = [...Array.from({ length: callers }, caller), pinger()];
  await new Promise((r) => setTimeout(r, warmupMs));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const wall = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(running);
  parentPort.postMessage({ latencies, health, wall });
})().catch((e) => parentPort.postMessage({ error: String(e) }));
`;

/**
 * `callers` closed-loop clients, one item per request, for `seconds` after a short warm-up. `prm+kv`: each caller
 * grows its own solution one step per request (10 steps, then a new problem), so the KV cache leaves few new tokens.
 */
async function load(v: RunningVerifier, scenario: string, callers: number) {
  const model = scenario.replace("+kv", "");
  const workerData = {
    url: v.url,
    route: model === "prm" ? "/v1/score-steps" : "/v1/score",
    model,
    callers,
    items,
    beams: Array.from({ length: 512 }, (_, i) => chain(i)),
    incremental: scenario.endsWith("+kv"),
    warmupMs: 500,
    seconds,
    token: TOKEN,
  };
  const { latencies, health, wall, error } = await new Promise<{ latencies: number[]; health: number[]; wall: number; error?: string }>((resolve, reject) => {
    const worker = new Worker(CALLERS_JS, { eval: true, workerData });
    worker.once("message", (m) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once("error", reject);
  });
  if (error) throw new Error(error);
  latencies.sort((a, b) => a - b);
  health.sort((a, b) => a - b);
  return { rps: latencies.length / wall, p50: pct(latencies, 50), p99: pct(latencies, 99), healthP99: pct(health, 99) };
}

async function throughput(scenario: string): Promise<void> {
  const model = scenario.replace("+kv", "");
  const concurrency = args.concurrency!.split(",").map(Number);
  const placements = args["runs-on"]!.split(",") as Array<"thread" | "event-loop">;
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const runsOn of placements) {
    for (const callers of concurrency) {
      const result: Record<string, { rps: number }> = {};
      for (const batching of [false, true]) {
        const v = await startVerifier({
          ...base,
          kvCacheBytes: scenario.endsWith("+kv") ? undefined : 0,
          batching: { enabled: batching },
          scoringThreads: runsOn === "thread",
        });
        let r: Awaited<ReturnType<typeof load>> & { mean: number };
        try {
          r = { ...(await load(v, scenario, callers)), mean: await batchMean(v, model) };
        } finally {
          await v.close();
        }
        result[String(batching)] = r;
        rows.push(
          `| ${scenario} | ${runsOn} | ${callers} | ${batching ? "dynamic (2 ms)" : "none"} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.mean.toFixed(1)} | ${r.healthP99.toFixed(1)} |`,
        );
      }
      ratios.push(`${runsOn} ${callers}: ${(result.true!.rps / result.false!.rps).toFixed(2)}×`);
    }
  }
  const what = scenario.endsWith("+kv") ? "each caller grows a 10-step solution one step per request, KV cache on" : "distinct full solutions, KV cache off";
  console.log(`\n### ${scenario}: one item per request (${what}), closed loop, ${seconds} s per row\n`);
  console.log("/healthz p99: a GET every 20 ms beside the callers, answered by the same event loop as the scoring requests.\n");
  console.log("| model | runs on | callers | batching | req/s | p50 ms | p99 ms | rows per run | /healthz p99 ms |\n|---|---|---|---|---|---|---|---|---|");
  console.log(rows.join("\n"));
  console.log(`\nthroughput, dynamic vs none, by callers: ${ratios.join(", ")}`);
}

/** A beam of `width` candidates grown one step at a time; every step re-scores all prefixes. */
async function beam(): Promise<void> {
  const width = Number(args.beam);
  const steps = Number(args.steps);
  const problem = generateArith(4242, { steps: 3, digits: 2 });
  const beams = Array.from({ length: width }, (_, b) => {
    let x = problem.start + b;
    return Array.from({ length: steps }, (_, k) => {
      const y = x + k + 1;
      const line = `${x}+${k + 1}=${y}`;
      x = y;
      return line;
    });
  });
  const out: Record<string, Array<{ ms: number; run: number; total: number }>> = {};
  for (const mode of ["full", "incremental"] as const) {
    const v = await startVerifier({ ...base, kvCacheBytes: mode === "full" ? 0 : 256 * 1024 * 1024 });
    out[mode] = [];
    try {
      await post(v.url, "/v1/score-steps", { items: [{ question: "warm up", solution: "1+1=2" }] });
      for (let k = 1; k <= steps; k++) {
        const body = { items: beams.map((b) => ({ question: problem.question, solution: b.slice(0, k).join("\n") })) };
        const t0 = performance.now();
        const res = (await (await post(v.url, "/v1/score-steps", body)).json()) as ScoreStepsResponse;
        out[mode].push({ ms: performance.now() - t0, run: res.usage.tokens_run, total: res.usage.tokens });
      }
    } finally {
      await v.close();
    }
  }
  console.log(`\n### PRM: a beam of ${width} grown ${steps} steps, all prefixes re-scored at every step\n`);
  console.log("| step | tokens in beam | full: tokens run | full: ms | incremental: tokens run | incremental: ms |\n|---|---|---|---|---|---|");
  for (let k = 0; k < steps; k++) {
    const f = out.full![k]!;
    const i = out.incremental![k]!;
    console.log(`| ${k + 1} | ${f.total} | ${f.run} | ${f.ms.toFixed(1)} | ${i.run} | ${i.ms.toFixed(1)} |`);
  }
  const sum = (m: string, key: "ms" | "run") => out[m]!.reduce((n, r) => n + r[key], 0);
  console.log(
    `| all | ${out.full!.reduce((n, r) => n + r.total, 0)} | ${sum("full", "run")} | ${sum("full", "ms").toFixed(1)} | ${sum("incremental", "run")} | ${sum("incremental", "ms").toFixed(1)} |`,
  );
}

/**
 * What batching can buy at best, without HTTP: PrmScorer.scoreRows (KV cache off) over 64-row calls of the load's mixed
 * solutions, by the cap on tokens per ONNX run, against one row per call. Rounds alternate, so drift hits all alike.
 */
async function ceiling(): Promise<void> {
  const caps = [Number.POSITIVE_INFINITY, 4096, 1024, 512];
  const scorers = await Promise.all(caps.map((cap) => PrmScorer.load(base.prmDir!, { cacheBytes: 0, threads: base.threads, maxRunTokens: cap })));
  const rows = items.slice(0, 256).map((it) => {
    const e = encodeSteps(scorers[0]!.tokenizer, it.question, it.solution);
    return { tokens: e.tokens, readAt: e.stepEnds, cuts: e.cuts };
  });
  const labels = [...caps.map((cap) => (cap === Number.POSITIVE_INFINITY ? "no cap (64 rows)" : String(cap))), "one row per call"];
  const rate: number[][] = labels.map(() => []);
  try {
    for (const s of scorers) await s.scoreRows(rows.slice(0, 8));
    for (let round = 0; round < 3; round++) {
      for (const [k, s] of scorers.entries()) {
        const t0 = performance.now();
        for (let i = 0; i < 4; i++) await s.scoreRows(rows.slice(i * 64, i * 64 + 64));
        rate[k]!.push((256 / (performance.now() - t0)) * 1000);
      }
      const t0 = performance.now();
      for (const r of rows.slice(0, 64)) await scorers[0]!.scoreRows([r]);
      rate[caps.length]!.push((64 / (performance.now() - t0)) * 1000);
    }
  } finally {
    await Promise.all(scorers.map((s) => s.close()));
  }
  const mean = rows.reduce((n, r) => n + r.tokens.length, 0) / rows.length;
  console.log(`\n### PRM alone (no HTTP): rows/s of 64-row calls by tokens per ONNX run, vs one row per call (${mean.toFixed(0)} tokens a row, 3 rounds)\n`);
  console.log("| tokens per run | rows/s (each round) | mean |\n|---|---|---|");
  for (const [k, label] of labels.entries()) {
    const r = rate[k]!;
    console.log(`| ${label} | ${r.map((x) => x.toFixed(0)).join(", ")} | ${(r.reduce((a, b) => a + b, 0) / r.length).toFixed(0)} |`);
  }

  // Incremental: 28 solutions grown one step per call (what a beam search sends), the KV cache on.
  const scorer = await PrmScorer.load(base.prmDir!, { threads: base.threads });
  const grown: number[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const chains = Array.from({ length: 28 }, (_, i) => chain(10_000 * (round + 1) + i));
      const t0 = performance.now();
      for (let k = 1; k <= 10; k++) {
        await scorer.scoreRows(
          chains.map((c) => {
            const e = encodeSteps(scorer.tokenizer, c.question, c.steps.slice(0, k).join("\n"));
            return { tokens: e.tokens, readAt: e.stepEnds, cuts: e.cuts };
          }),
        );
      }
      grown.push((280 / (performance.now() - t0)) * 1000);
    }
  } finally {
    await scorer.close();
  }
  console.log(`\nincremental, 28 solutions grown 10 steps, one 28-row call per step: ${grown.map((x) => x.toFixed(0)).join(", ")} rows/s`);
}

console.log(`verifier bench: ${new Date().toISOString()}, ORT threads ${args.threads ?? "default"}, PRM ${args["prm-dir"]}`);
if (args.models!.split(",").includes("prm")) await ceiling();
for (const model of args.models!.split(",")) await throughput(model);
if (args.models!.split(",").includes("prm+kv")) await beam();
