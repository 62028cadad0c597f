// `pnpm bench:revisions`: sequential revisions vs parallel sampling at a fixed number of attempts, by difficulty
// (Snell et al. 2024 §6, Fig. 6/7) → docs/REVISIONS.md and docs/results/revisions-*.svg.
// Every run is core's `revisions` strategy on the revision policy (models/revise) with the ORM over HTTP: n attempts
// split into chains × length from all-parallel (n chains of 1) to all-sequential (1 chain of n). Each run's attempts
// are then selected both ways: the verifier rule (best per chain by ORM, then weighted across chains) and majority.
// Also measured: how often a revision turns its chain's wrong attempt into a right one, next to how often a fresh
// first attempt is right (does the model use its earlier attempts?).
// Flags: --per-step 10 (test problems per difficulty 1..8), --n 16, --threads 2, --out FILE.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type SearchResult, answersEqual, arithSplit, pickMajority, runSearch } from "@thinktime/core";
import { Charts, pct, table } from "./ttc/report.js";
import { REPO, SAMPLING, STEPS } from "./ttc/settings.js";
import { startTtcStack } from "./ttc/stack.js";

const { values: flags } = parseArgs({
  options: {
    "per-step": { type: "string", default: "10" },
    n: { type: "string", default: "16" },
    threads: { type: "string", default: "2" },
    out: { type: "string", default: join(REPO, "docs/REVISIONS.md") },
  },
});
const PER_STEP = Number(flags["per-step"]);
const N = Number(flags.n);
const COMMAND = `pnpm bench:revisions --per-step ${PER_STEP} --n ${N}`;
/** Difficulty bins by the number of steps (the test split's ground truth; Snell et al. bin by oracle difficulty too). */
const BINS = [
  { name: "1–2 steps", steps: [1, 2] },
  { name: "3–5 steps", steps: [3, 4, 5] },
  { name: "6–8 steps", steps: [6, 7, 8] },
];
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const stack = await startTtcStack(Number(flags.threads), { reviser: true });
const t0 = Date.now();
try {
  const problems = STEPS.flatMap((s) => arithSplit("test", { steps: s, count: PER_STEP }));
  // Chains from N (all parallel) halving down to 1 (all sequential).
  const ratios = Array.from({ length: Math.floor(Math.log2(N)) + 1 }, (_, i) => N / 2 ** i).filter((c) => Number.isInteger(c));
  const ctx = { sampler: stack.reviser!, reviser: stack.reviser!, reviserContext: stack.reviserContext, scorer: stack.scorer, models: stack.models };
  const runs: { chains: number; results: SearchResult[] }[] = [];
  for (const chains of ratios) {
    log(`${chains} chains × ${N / chains} attempts on ${problems.length} problems`);
    const params = { n: N, chains, temperature: SAMPLING.temperature, top_p: 1, seed: SAMPLING.seed, max_tokens: SAMPLING.maxTokens };
    const results = await Promise.all(problems.map((p) => runSearch("revisions", p.question, params, ctx)));
    runs.push({ chains, results });
  }

  // The baseline: the policy's own parallel sampling on the same problems, seed and sampling.
  log(`policy baselines on ${problems.length} problems`);
  const base = { n: N, temperature: SAMPLING.temperature, top_p: 1, seed: SAMPLING.seed, max_tokens: SAMPLING.maxTokens };
  const policyCtx = { sampler: stack.sampler, scorer: stack.scorer, models: stack.models };
  const baselines = [
    { label: `policy: majority@${N}`, results: await Promise.all(problems.map((p) => runSearch("majority", p.question, base, { ...policyCtx, scorer: undefined }))) },
    { label: `policy: ORM best_of_n@${N}`, results: await Promise.all(problems.map((p) => runSearch("best_of_n", p.question, base, policyCtx))) },
    { label: "policy: greedy", results: await Promise.all(problems.map((p) => runSearch("greedy", p.question, { ...base, n: 1, temperature: 0 }, policyCtx))) },
  ];

  const right = (i: number, answer: string | null) => answersEqual(answer, String(problems[i]!.answer));
  const inBin = (bin: (typeof BINS)[number]) => problems.flatMap((p, i) => (bin.steps.includes(p.steps) ? [i] : []));
  const accuracy = (results: SearchResult[], idx: number[], pick: (r: SearchResult) => string | null) =>
    idx.filter((i) => right(i, pick(results[i]!))).length / idx.length;
  const byVerifier = (r: SearchResult) => r.answer;
  const byMajority = (r: SearchResult) => pickMajority(r.candidates).answer;
  const all = problems.map((_, i) => i);
  const label = (chains: number) => `${chains} × ${N / chains}`;

  // Does a revision fix a wrong attempt more often than a fresh sample is right?
  const seq = runs.find((r) => r.chains === 1) ?? runs[runs.length - 1]!;
  const transitions = { wrongToRight: 0, wrong: 0, rightToRight: 0, right: 0 };
  seq.results.forEach((r, i) => {
    const tree = r.tree!;
    for (const node of tree) {
      if (node.parent === null) continue;
      const before = right(i, r.candidates.find((c) => c.node === node.parent)!.answer);
      const now = right(i, r.candidates.find((c) => c.node === node.id)!.answer);
      if (before) {
        transitions.right++;
        if (now) transitions.rightToRight++;
      } else {
        transitions.wrong++;
        if (now) transitions.wrongToRight++;
      }
    }
  });
  const firstRight = all.filter((i) => right(i, runs[0]!.results[i]!.candidates[0]!.answer)).length / all.length;
  const parallelAttempt = runs[0]!.results.flatMap((r, i) => r.candidates.map((c) => right(i, c.answer)));
  const attemptAcc = (k: number) => {
    const hits = seq.results.flatMap((r, i) => r.candidates.filter((c) => r.tree![c.node!]!.depth === k).map((c) => right(i, c.answer)));
    return hits.filter(Boolean).length / hits.length;
  };

  const charts = new Charts(join(REPO, "docs/results"), "results");
  const md = [
    "# Sequential revisions vs parallel sampling",
    "",
    `Generated by \`${COMMAND}\` (seed ${SAMPLING.seed}, temperature ${SAMPLING.temperature}, max_tokens ${SAMPLING.maxTokens}) ` +
      `in ${((Date.now() - t0) / 60_000).toFixed(1)} min on this machine: ${problems.length} held-out test problems (${PER_STEP} per difficulty 1–8), ` +
      `${N} attempts each, models ${Object.values(stack.names).join(", ")}. Every attempt is written by the revision policy ` +
      "(models/revise): a chain's first attempt from the question alone, each later one with the chain's last (up to 4) attempts in context.",
    "",
    "## Accuracy by sequential:parallel ratio and difficulty",
    "",
    `Chains × attempts per chain at ${N} attempts in all (${N} × 1 is parallel sampling; 1 × ${N} one chain of revisions). ` +
      "Verifier: each chain's best attempt by the ORM, then best-of-N weighted across chains (Snell et al.'s hierarchical rule). Majority: over every attempt.",
    "",
    table(
      ["chains × length", "selection", "all", ...BINS.map((b) => b.name)],
      [
        ...runs.flatMap((r) => [
          [label(r.chains), "verifier", pct(accuracy(r.results, all, byVerifier)), ...BINS.map((b) => pct(accuracy(r.results, inBin(b), byVerifier)))],
          [label(r.chains), "majority", pct(accuracy(r.results, all, byMajority)), ...BINS.map((b) => pct(accuracy(r.results, inBin(b), byMajority)))],
        ]),
        ...baselines.map((b) => [b.label, "–", pct(accuracy(b.results, all, byVerifier)), ...BINS.map((bin) => pct(accuracy(b.results, inBin(bin), byVerifier)))]),
      ],
    ),
    "",
    `The last rows are the policy (models/policy, not trained to revise) sampling ${N} times in parallel on the same problems and seed: ` +
      "the baseline revisions must beat to be worth their training. Problems where the two selection rules answer differently, per run: " +
      runs.map((r) => `${label(r.chains)} ${all.filter((i) => byVerifier(r.results[i]!) !== byMajority(r.results[i]!)).length}`).join(", ") + ".",
    "",
    charts.chart("revisions-ratio", {
      title: `Accuracy vs sequential share (${N} attempts, verifier selection)`,
      xLabel: "attempts per chain (sequential share)", yLabel: "accuracy", xLog: true,
      series: BINS.map((b) => ({
        name: b.name, markers: true, line: true,
        points: runs.map((r) => [N / r.chains, accuracy(r.results, inBin(b), byVerifier)] as [number, number]),
      })),
    }),
    "",
    "## Does the policy use its earlier attempts?",
    "",
    `In the ${label(seq.chains)} run: after a wrong attempt, the next attempt is right ${pct(transitions.wrongToRight / transitions.wrong)} ` +
      `of the time (${transitions.wrongToRight}/${transitions.wrong}); after a right one, it stays right ${pct(transitions.rightToRight / transitions.right)} ` +
      `(${transitions.rightToRight}/${transitions.right}). A first attempt (no context) is right ${pct(firstRight)} of the time, and a parallel ` +
      `sample ${pct(parallelAttempt.filter(Boolean).length / parallelAttempt.length)}.`,
    "",
    table(
      ["attempt in chain", ...Array.from({ length: Math.min(N, 8) }, (_, k) => String(k + 1))],
      [["accuracy", ...Array.from({ length: Math.min(N, 8) }, (_, k) => pct(attemptAcc(k)))]],
    ),
    "",
  ];
  writeFileSync(flags.out, md.join("\n"));
  log(`wrote ${flags.out} in ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
} finally {
  await stack.close();
}
