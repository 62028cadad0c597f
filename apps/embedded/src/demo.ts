// Thinktime's main job on the embedded default: start the stack, submit held-out problems, print what compute bought.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { answersEqual, arithSplit, sampleWorst, type ArithProblem } from "@thinktime/core";
import { SCOPES } from "@thinktime/core/api/keys";
import { REPO_ROOT } from "./services.js";
import { startStack } from "./stack.js";

const { values: args } = parseArgs({
  options: {
    "per-step": { type: "string", default: "3" },
    steps: { type: "string", default: "1,2,3,4,5,6,7,8" },
    n: { type: "string", default: "16" },
    seed: { type: "string", default: "1" },
    "data-dir": { type: "string", default: resolve(REPO_ROOT, ".data/pglite") },
    port: { type: "string", default: "8787" },
    exit: { type: "boolean", default: false },
  },
});

const STRATEGIES = ["greedy", "best_of_n", "majority", "auto"] as const;
type Strategy = (typeof STRATEGIES)[number];

interface JobView {
  id: string;
  status: string;
  result: { answer: string | null } | null;
  usage: { prompt_tokens: number; generated_tokens: number; verifier_tokens: number; flops: number } | null;
  error: { code: string; message: string } | null;
  created_at: string;
  finished_at: string | null;
}

const started = Date.now();
console.log("Starting edge, generator and verifier on PGlite at", args["data-dir"], "…");
const stack = await startStack({ dataDir: args["data-dir"], edgePort: Number(args.port) });
// The embedded install has one user, who is also its operator: the key reaches every scope and the /admin API.
const { key } = await stack.createKey("local", { operator: true, scopes: [...SCOPES] });
const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
console.log(`Stack up in ${((Date.now() - started) / 1000).toFixed(1)} s: API ${stack.edgeUrl}\n`);

const problems: ArithProblem[] = args.steps.split(",").flatMap((s) =>
  arithSplit("test", { steps: Number(s), count: Number(args["per-step"]) }));
const n = Number(args.n);
if (problems.length > 0) await runBatch();

if (args.exit) {
  await stack.stop();
} else {
  console.log(`\nThe API stays up at ${stack.edgeUrl} (Ctrl-C stops it). Your key: ${key}`);
  console.log(`  curl -s ${stack.edgeUrl}/v1/jobs -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`);
  console.log(`    -d '{"question":"Ana has 12 apples. She gets 5 more. How many apples now?","strategy":"majority","n":8}'`);
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

/** Submits every problem with every strategy, waits for all jobs, and prints the tables. */
async function runBatch(): Promise<void> {
  const submitted: Array<{ problem: ArithProblem; strategy: Strategy; id: string }> = [];
  for (const problem of problems) {
    for (const strategy of STRATEGIES) {
      // auto gets the token budget N samples (and their scoring) could take, and plans how to spend it.
      const knobs = strategy === "greedy" ? {} : strategy === "auto" ? { budget: { tokens: n * sampleWorst(problem.question, 256).tokens } } : { n };
      const body = { question: problem.question, strategy, seed: Number(args.seed), ...knobs };
      const res = await fetch(`${stack.edgeUrl}/v1/jobs`, { method: "POST", headers, body: JSON.stringify(body) });
      if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
      submitted.push({ problem, strategy, id: ((await res.json()) as { id: string }).id });
    }
  }
  console.log(`Submitted ${submitted.length} jobs (${problems.length} held-out arith problems × ${STRATEGIES.length} strategies, N=${n}).`);

  const done = new Map<string, JobView>();
  while (done.size < submitted.length) {
    for (const job of submitted) {
      if (done.has(job.id)) continue;
      const res = await fetch(`${stack.edgeUrl}/v1/jobs/${job.id}`, { headers });
      const view = (await res.json()) as JobView;
      if (["succeeded", "failed", "canceled"].includes(view.status)) done.set(job.id, view);
    }
    process.stdout.write(`\r  ${done.size}/${submitted.length} jobs finished`);
    if (done.size < submitted.length) await new Promise((r) => setTimeout(r, 500));
  }
  console.log("\n");

  const rows = STRATEGIES.map((strategy) => {
    const jobs = submitted.filter((j) => j.strategy === strategy).map((j) => ({ ...j, view: done.get(j.id)! }));
    const correct = jobs.filter((j) => answersEqual(j.view.result?.answer ?? null, String(j.problem.answer))).length;
    const sum = (f: (u: NonNullable<JobView["usage"]>) => number) => jobs.reduce((a, j) => a + (j.view.usage ? f(j.view.usage) : 0), 0);
    const wall = jobs.reduce((a, j) => a + (Date.parse(j.view.finished_at ?? j.view.created_at) - Date.parse(j.view.created_at)), 0);
    const failed = jobs.filter((j) => j.view.status !== "succeeded");
    return { strategy, jobs, correct, failed, gen: sum((u) => u.generated_tokens), ver: sum((u) => u.verifier_tokens),
      flops: sum((u) => u.flops), wall };
  });
  const label = (s: Strategy) =>
    s === "greedy" ? "greedy" : s === "best_of_n" ? `best-of-${n} (ORM)` : s === "auto" ? `auto (≤ ${n} samples)` : `majority@${n}`;
  const pad = (s: string, w: number) => s.padEnd(w);
  console.log(pad("strategy", 20) + pad("accuracy", 12) + pad("gen tokens/job", 16) + pad("verifier tok/job", 18) +
    pad("GFLOPs/job", 12) + "wall s/job");
  for (const r of rows) {
    const k = r.jobs.length;
    console.log(pad(label(r.strategy), 20) + pad(`${((100 * r.correct) / k).toFixed(1)}%`, 12) + pad((r.gen / k).toFixed(0), 16) +
      pad((r.ver / k).toFixed(0), 18) + pad((r.flops / k / 1e9).toFixed(2), 12) + (r.wall / k / 1000).toFixed(2));
    for (const f of r.failed) console.log(`  ! ${f.id} ${f.view.status}: ${f.view.error?.code ?? ""} ${f.view.error?.message ?? ""}`);
  }
  const steps = [...new Set(problems.map((p) => p.steps))];
  console.log(`\naccuracy by number of steps (${args["per-step"]} problems each)`);
  console.log(pad("strategy", 20) + steps.map((s) => pad(String(s), 7)).join(""));
  for (const r of rows) {
    console.log(pad(label(r.strategy), 20) + steps.map((s) => {
      const js = r.jobs.filter((j) => j.problem.steps === s);
      const c = js.filter((j) => answersEqual(j.view.result?.answer ?? null, String(j.problem.answer))).length;
      return pad(`${Math.round((100 * c) / js.length)}%`, 7);
    }).join(""));
  }
  console.log(`\nTotal wall time ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
