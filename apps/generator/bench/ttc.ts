// `pnpm bench:ttc`: the evidence for test-time compute on our own models → docs/RESULTS.md and docs/results/*.svg.
// Coverage vs k with the exp(a·k^b) fit, selection rules vs k, accuracy vs FLOPs per strategy and difficulty bin,
// sequential revisions (replayed from revision pools), the calibrated policy table, and auto vs best-of-N (FLOPs to
// match best-of-N's accuracy at its largest N).
// Flags: --per-step 40 --k 128 (test pool), --cal-per-step 100 --cal-k 40 (calibration pool, as `pnpm calibrate`),
// --tree-per-step 4 (live PRM beam search problems per difficulty; 0 skips), --subsets 200, --threads 2, --out FILE.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type PolicyTable, type StrategyConfig, type StrategyName, binOf } from "@thinktime/core";
import { DEFAULT_CALIBRATION, calibrate, poolDifficulty, sampleFlops } from "./ttc/calibrate.js";
import { FIT_RULES, crossValidate } from "./ttc/fit-rules.js";
import { SELECTIONS, aggregationAccuracy, coverageCurve, powersOfTwo, selectionCurve } from "./ttc/curves.js";
import type { PoolProblem } from "./ttc/pool.js";
import { splitPools } from "./ttc/pools.js";
import { Charts, num, pct, table } from "./ttc/report.js";
import { type Outcome, runOne, runOnPool, summarize } from "./ttc/runs.js";
import { revisionPools } from "./ttc/revision-pool.js";
import { FIT_RULE, OTHER_TEMPERATURES, REPO, REVISION_CHAINS, REVISION_LENGTH, SAMPLING, STEPS, TABLE_FILE } from "./ttc/settings.js";
import { startTtcStack } from "./ttc/stack.js";

const { values: flags } = parseArgs({
  options: {
    "per-step": { type: "string", default: "40" },
    k: { type: "string", default: "128" },
    "cal-per-step": { type: "string", default: "100" },
    "cal-k": { type: "string", default: "40" },
    "tree-per-step": { type: "string", default: "4" },
    subsets: { type: "string", default: "200" },
    threads: { type: "string", default: "2" },
    out: { type: "string", default: join(REPO, "docs/RESULTS.md") },
  },
});
const K = Number(flags.k);
const SUBSETS = Number(flags.subsets);
const COMMAND = `pnpm bench:ttc --per-step ${flags["per-step"]} --k ${K} --cal-per-step ${flags["cal-per-step"]} --cal-k ${flags["cal-k"]} --tree-per-step ${flags["tree-per-step"]} --subsets ${SUBSETS}`;
/** Where each rule ends up at the largest k, against coverage there: the verifier gap (Brown et al.'s bottleneck). */
function plateauLine(curves: { name: string; points: { k: number; accuracy: number }[] }[], what: string): string {
  const [cov, ...rules] = curves;
  const last = (c: (typeof curves)[number]) => c.points[c.points.length - 1]!;
  const best = rules.reduce((a, b) => (last(b).accuracy > last(a).accuracy ? b : a));
  const peak = (c: (typeof curves)[number]) => c.points.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  return (
    `- ${what}: at k = ${last(cov!).k} coverage is ${pct(last(cov!).accuracy)}; the best rule there, ${best.name}, picks a right answer ` +
    `${pct(last(best).accuracy)} of the time. Peaks: ${rules.map((r) => `${r.name} ${pct(peak(r).accuracy)} at k = ${peak(r).k}`).join("; ")}.`
  );
}

/** A table entry as the tables print it: strategy@n (early stopping's weighting, the temperature when it names one),
 * revisions as chains × length. */
const configLabel = (e: StrategyConfig) =>
  e.strategy === "revisions"
    ? `revisions ${e.chains}×${e.n / e.chains} (${e.revision_select ?? "verifier"})`
    : `${e.strategy}${"n" in e ? `@${e.n}` : ""}${"anchor" in e && e.anchor !== undefined ? ` anchor=${e.anchor}` : ""}${"weighted" in e && e.weighted ? " weighted" : ""}${"temperature" in e && e.temperature !== undefined ? ` T=${e.temperature}` : ""}`;

const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

const t0 = Date.now();
const stack = await startTtcStack(Number(flags.threads), { reviser: true });
const md: string[] = [];
try {
  const deps = { ...stack, log };
  const testPools = await splitPools("test", Number(flags["per-step"]), K, stack.names, deps);
  const calPools = await splitPools("calibration", Number(flags["cal-per-step"]), Number(flags["cal-k"]), stack.names, deps);
  const [test, cal] = [testPools.pool, calPools.pool];
  const [testMeta, calMeta] = [test.meta, cal.meta];
  const revisionDeps = { ...deps, reviser: stack.reviser! };
  const calRevisions = await revisionPools("calibration", calMeta.perStep, stack.names, revisionDeps);
  const testRevisions = await revisionPools("test", testMeta.perStep, stack.names, revisionDeps);
  const models = stack.models;
  const unit = sampleFlops(cal.problems, SAMPLING.maxTokens, models);
  const inSamples = (flops: number) => flops / unit;
  const charts = new Charts(join(REPO, "docs/results"), "results");

  // ---- The policy table: calibrated here exactly as `pnpm calibrate` does (same pool, same code). ----
  log("calibrating");
  const { table: policy, binSizes, measurements, shape: calShape } = await calibrate(cal, models, { ...DEFAULT_CALIBRATION, ...SAMPLING }, stack.names, calRevisions);
  const committed = existsSync(TABLE_FILE) ? (JSON.parse(readFileSync(TABLE_FILE, "utf8")) as PolicyTable) : null;
  const bins = policy.bin_thresholds.length + 1;
  const testBin = (p: PoolProblem) => binOf(poolDifficulty(p, policy.probe.n), policy.bin_thresholds);
  const hard = test.problems.filter((p) => p.steps >= 3);

  md.push(
    "# Results: test-time compute on Thinktime's own models",
    "",
    `Produced by \`${COMMAND}\` (pools ready after ${((Date.now() - t0) / 60_000).toFixed(0)} min in this run: drawn and scored from cold in about an hour on 2 CPU cores, then cached in .data/ttc). ` +
      `Models: ${Object.values(stack.names).join(", ")}. Test pool: ${test.problems.length} held-out arith test problems ` +
      `(${testMeta.perStep} per difficulty, 1–8 steps) × ${K} samples at temperature ${SAMPLING.temperature}, seed ${SAMPLING.seed}, ` +
      `max ${SAMPLING.maxTokens} tokens, plus the greedy sample; calibration pool: ${cal.problems.length} calibration-split problems × ` +
      `${calMeta.k}; pools at temperature ${OTHER_TEMPERATURES.join(", ")} (the menu's other temperatures) hold the same problems × the same ` +
      `numbers of samples, drawn with seed ${[...new Set(test.others?.map((m) => m.seed))].join(", ")}. Every sample is scored by the ORM and the PRM through the verifier service (HTTP). Rerunning the command ` +
      "gives the same numbers: sampling is seeded per sample, subsets are drawn from a seeded generator.",
    "",
    `FLOPs are generator + verifier FLOPs as the strategies bill them (core's Ledger); "samples" on the charts' x axes is ` +
      `FLOPs divided by one sample's worst case at the calibration split's median question (${unit.toExponential(3)} FLOPs: ` +
      `prompt + ${SAMPLING.maxTokens} generated tokens + one ORM read).`,
  );

  // ---- Coverage vs k (Brown et al. 2024). ----
  log("coverage");
  const ks = powersOfTwo(K);
  const groups = [{ label: "all", problems: test.problems }, ...STEPS.map((s) => ({ label: `${s} steps`, problems: test.problems.filter((p) => p.steps === s) }))];
  const coverage = groups.map((g) => coverageCurve(g.label, g.problems, ks));
  md.push(
    "",
    "## Coverage vs k",
    "",
    "Coverage = the unbiased pass@k estimator (Chen et al. 2021) over each problem's K samples; fit c ≈ exp(a·k^b) by " +
      "least squares of log(−log c) on log k (points with c = 1 dropped); R² on coverage itself.",
    "",
    table(
      ["difficulty", ...ks.filter((k) => [1, 4, 16, 64, K].includes(k)).map((k) => `pass@${k}`), "a", "b", "R²"],
      coverage.map((c) => [
        c.label,
        ...c.points.filter((p) => [1, 4, 16, 64, K].includes(p.k)).map((p) => pct(p.coverage)),
        num(c.fit?.a ?? Number.NaN, 3), num(c.fit?.b ?? Number.NaN, 3), num(c.fit?.r2 ?? Number.NaN, 3),
      ]),
    ),
    "",
    charts.chart("coverage", {
      title: "Coverage vs samples by difficulty (dashed: exp(a·k^b) fit)", xLabel: "k (samples)", yLabel: "coverage", xLog: true,
      series: coverage.filter((c) => c.label !== "all").flatMap((c) => [
        { name: c.label, points: c.points.map((p) => [p.k, p.coverage] as [number, number]), markers: true },
        ...(c.fit ? [{ name: `${c.label} fit`, dashed: true, points: ks.map((k) => [k, Math.exp(c.fit!.a * k ** c.fit!.b)] as [number, number]) }] : []),
      ]),
    }),
  );

  // ---- Selection rules vs k: where do verifiers plateau relative to coverage? ----
  log("selection curves");
  const selKs = powersOfTwo(Math.min(64, K));
  const selection = (problems: PoolProblem[]) => [
    { name: "coverage (pass@k)", points: coverageCurve("", problems, selKs).points.map((p) => ({ k: p.k, accuracy: p.coverage })) },
    ...SELECTIONS.map((s) => ({ name: s.name, points: selectionCurve(problems, s.rule, selKs, SUBSETS, 0) })),
  ];
  const selAll = selection(test.problems);
  const selHard = selection(hard);
  const selTable = (curves: ReturnType<typeof selection>) =>
    table(["rule", ...selKs.map((k) => `k=${k}`)], curves.map((c) => [c.name, ...c.points.map((p) => pct(p.accuracy))]));
  const selChart = (name: string, title: string, curves: ReturnType<typeof selection>) =>
    charts.chart(name, {
      title, xLabel: "k (samples)", yLabel: "accuracy", xLog: true,
      series: curves.map((c, i) => ({ name: c.name, dashed: i === 0, markers: true, points: c.points.map((p) => [p.k, p.accuracy] as [number, number]) })),
    });
  md.push(
    "",
    "## Verifiers vs k",
    "",
    `Expected accuracy of each selection rule on a random size-k subset of the pool (${SUBSETS} seeded subsets per problem, ` +
      "exact where there are fewer). PRM scores are aggregated by the last step. All problems:",
    "",
    selTable(selAll),
    "",
    selChart("selection", "Selection rules vs k, all problems", selAll),
    "",
    `Problems of ≥ 3 steps (${hard.length}):`,
    "",
    selTable(selHard),
    "",
    selChart("selection-hard", "Selection rules vs k, problems of 3+ steps", selHard),
    "",
    plateauLine(selAll, "all problems"),
    plateauLine(selHard, "problems of ≥ 3 steps"),
  );
  // Does another aggregation of the PRM's step scores make the weighted vote beat majority? Chosen on calibration.
  const aggK = Math.min(16, K, Number(flags["cal-k"]));
  const hardAt = (pools: typeof testPools, t: number) => pools.byTemperature.get(t)!.problems.filter((p) => p.steps >= 3);
  const aggRows = [SAMPLING.temperature, ...OTHER_TEMPERATURES].flatMap((t) => [
    [`calibration split, T=${t}`, hardAt(calPools, t)],
    [`test split, T=${t}`, hardAt(testPools, t)],
  ] as const);
  const aggs = aggRows.map(([name, problems]) => ({ name, n: problems.length, ...aggregationAccuracy(problems, aggK, SUBSETS, 0) }));
  md.push(
    "",
    `Weighted best-of-${aggK} on problems of ≥ 3 steps by how the PRM's step scores are aggregated (the verifier's ` +
      "`aggregation` options) and by other weights (the last-step score to a power, times the ORM's score, or the " +
      "policy's per-token likelihood alone), against majority vote; the calibration split is where a choice would be made:",
    "",
    table(
      ["pool", "problems", `majority@${aggK}`, ...aggs[0]!.weighted.map((w) => `weighted, ${w.name}`)],
      aggs.map((a) => [a.name, String(a.n), pct(a.majority), ...a.weighted.map((w) => pct(w.accuracy))]),
    ),
  );

  // The same rules on samples drawn cooler: they agree with the greedy answer more often (and cover less).
  for (const t of OTHER_TEMPERATURES) {
    const cool = testPools.byTemperature.get(t)!.problems;
    const coolHard = cool.filter((p) => p.steps >= 3);
    md.push(
      "",
      `### At temperature ${t}`,
      "",
      `The same test problems, ${K} samples each drawn at temperature ${t}. All problems:`,
      "",
      selTable(selection(cool)),
      "",
      `Problems of ≥ 3 steps (${coolHard.length}):`,
      "",
      selTable(selection(coolHard)),
    );
  }

  // ---- Accuracy vs FLOPs per strategy, by predicted difficulty bin (the analogue of Snell et al.'s Fig. 3). ----
  log("strategies vs FLOPs");
  const base = { n: 1, temperature: SAMPLING.temperature, top_p: 1, seed: SAMPLING.seed, max_tokens: SAMPLING.maxTokens };
  const ns = powersOfTwo(Math.min(64, K)).filter((n) => n <= K);
  type Curve = { name: string; runs: { label: string; outcomes: Outcome[] }[] };
  const curves: Curve[] = [];
  curves.push({ name: "greedy", runs: [{ label: "greedy", outcomes: await runOnPool(test.problems, "greedy", base, { models }) }] });
  // The sampling strategies at the job's temperature, then at the menu's other ones (replayed from the pools drawn
  // there; labels and curve names say which).
  const early = { n: Math.min(64, K), round_size: 4, alpha: 0.1, weighted: true };
  for (const temperature of [SAMPLING.temperature, ...OTHER_TEMPERATURES]) {
    const at = temperature === SAMPLING.temperature ? "" : ` T=${temperature}`;
    // Anchored majority at its default anchor (⌈n/4⌉), by count and PRM-weighted.
    const sampling: [StrategyName, string, { weighted?: boolean }][] = [
      ["majority", "", {}], ["best_of_n", "", {}], ["weighted_best_of_n", "", {}], ["anchored_majority", "", {}],
      ["anchored_majority", " weighted", { weighted: true }],
    ];
    for (const [strategy, suffix, knobs] of sampling) {
      const runs = [];
      for (const n of ns) {
        const outcomes = await runOnPool(test.problems, strategy, { ...base, ...knobs, n, temperature }, { models });
        runs.push({ label: `${strategy}@${n}${suffix}${at}`, outcomes });
      }
      curves.push({ name: `${strategy}${suffix}${at}`, runs });
    }
    const outcomes = await runOnPool(test.problems, "early_stop", { ...base, ...early, temperature }, { models });
    curves.push({ name: `early_stop${at}`, runs: [{ label: `early_stop(n≤${early.n}, α=0.1, weighted)${at}`, outcomes }] });
  }
  // Sequential revisions at every chains × length of the menu (the sequential:parallel ratio), replayed from the
  // test problems' revision pool.
  for (const select of ["verifier", "majority"] as const) {
    const configs = DEFAULT_CALIBRATION.menu
      .filter((c): c is Extract<StrategyConfig, { strategy: "revisions" }> => c.strategy === "revisions" && c.revision_select === select)
      .sort((a, b) => a.n - b.n || b.chains - a.chains);
    const runs = [];
    for (const config of configs) {
      const { strategy: _, ...knobs } = config;
      const outcomes = await runOnPool(test.problems, "revisions", { ...base, ...knobs }, { models }, 0, testRevisions);
      runs.push({ label: configLabel(config), outcomes });
    }
    curves.push({ name: `revisions (${select})`, runs });
  }
  log("auto");
  const autoMults = [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
  const autoRuns = [];
  for (const m of autoMults) {
    const outcomes = await runOnPool(test.problems, "auto", { ...base, budget: { flops: Math.round(m * unit) } }, { models, policyTable: policy }, 0, testRevisions);
    autoRuns.push({ label: `auto@${m}`, outcomes });
  }
  curves.push({ name: "auto (policy table)", runs: autoRuns });

  // Live PRM beam search on a subset (it cannot be replayed from a pool: it samples step by step).
  const treePerStep = Number(flags["tree-per-step"]);
  const treeProblems = treePerStep > 0 ? STEPS.flatMap((s) => test.problems.filter((p) => p.steps === s).slice(0, treePerStep)) : [];
  const treeRuns: { label: string; outcomes: Outcome[] }[] = [];
  for (const cfg of treeProblems.length ? [{ n: 4, beam_width: 2 }, { n: 16, beam_width: 4 }] : []) {
    log(`beam search n=${cfg.n} on ${treeProblems.length} problems`);
    const ctx = { sampler: stack.sampler, stepScorer: stack.stepScorer, models };
    const outcomes = await Promise.all(treeProblems.map((p) => runOne(p, "beam_search", { ...base, ...cfg }, ctx)));
    treeRuns.push({ label: `beam_search(n=${cfg.n}, M=${cfg.beam_width})`, outcomes });
  }

  const byBin = (outcomes: Outcome[], bin: number) => {
    const ids = new Set(test.problems.filter((p) => testBin(p) === bin).map((p) => p.id));
    return outcomes.filter((o) => ids.has(o.id));
  };
  const runs = curves.flatMap((c) => c.runs);
  md.push(
    "",
    "## Accuracy vs FLOPs by strategy and difficulty bin",
    "",
    "Every row is core's strategy code run on the test pool (sampling strategies replay the pool's samples in order; " +
      "`auto` probes the first samples and plans with the calibrated table below, so its cost includes the probe). " +
      `Difficulty bins are the policy table's: 1 − mean ORM score of ${policy.probe.n} probe samples, quantile thresholds ` +
      `${policy.bin_thresholds.map((t) => num(t, 3)).join(", ")} from the calibration split (bin 0 easiest).`,
    "",
    table(
      ["strategy", "all: accuracy", "all: FLOPs (samples)", ...Array.from({ length: bins }, (_, b) => `bin ${b} acc.`)],
      runs.map((run) => {
        const s = summarize(run.outcomes);
        return [run.label, pct(s.accuracy), num(inSamples(s.flops), 1), ...Array.from({ length: bins }, (_, b) => pct(summarize(byBin(run.outcomes, b)).accuracy))];
      }),
    ),
  );
  for (let b = 0; b < bins; b++) {
    md.push(
      "",
      charts.chart(`flops-bin-${b}`, {
        title: `Accuracy vs FLOPs, difficulty bin ${b} (${byBin(curves[0]!.runs[0]!.outcomes, b).length} problems)`,
        xLabel: "FLOPs (in samples)", yLabel: "accuracy", xLog: true,
        series: curves.map((c) => ({
          name: c.name, markers: true, line: c.runs.length > 1,
          points: c.runs.map((r) => { const s = summarize(byBin(r.outcomes, b)); return [inSamples(s.flops), s.accuracy] as [number, number]; }),
        })),
      }),
    );
  }
  if (treeRuns.length) {
    const ids = new Set(treeProblems.map((p) => p.id));
    const same = (label: string) => runs.find((r) => r.label === label)!.outcomes.filter((o) => ids.has(o.id));
    md.push(
      "",
      `PRM beam search (live: engine + verifier over HTTP) on ${treeProblems.length} test problems (${treePerStep} per difficulty), ` +
        "next to the sampling strategies on the same problems:",
      "",
      table(
        ["strategy", "accuracy", "accuracy (≥ 3 steps)", "FLOPs (samples)"],
        [...treeRuns, ...["greedy", "majority@4", "majority@16", "weighted_best_of_n@16"].map((l) => ({ label: l, outcomes: same(l) }))].map((r) => [
          r.label, pct(summarize(r.outcomes).accuracy), pct(summarize(r.outcomes.filter((o) => o.steps >= 3)).accuracy), num(inSamples(summarize(r.outcomes).flops), 1),
        ]),
      ),
    );
  }

  // ---- The policy table and auto vs best-of-N. ----
  const sameTable = committed?.version === policy.version;
  md.push(
    "",
    "## The calibrated policy table",
    "",
    `\`pnpm calibrate --per-step ${calMeta.perStep} --k ${calMeta.k}\` fits it on the calibration split (questions per bin: ${binSizes.join(", ")}): ` +
      "every strategy of the menu runs under every budget bucket on the samples after the probe's, and each bin × bucket " +
      "keeps the cheapest entry within one standard error of the most accurate one; under the `gated` rule a bucket keeps " +
      "its per-bin column (and so auto's probe) only where that beats the best single config over all bins by one standard " +
      `error (the fit's rule here: \`${FIT_RULE}\`, below). ` +
      `Version \`${policy.version}\`; the committed artifact models/planner/policy-table.json ` +
      (sameTable ? "is this table." : `is \`${committed?.version ?? "missing"}\` (rerun \`pnpm calibrate\` to update it).`),
    "",
    table(
      ["bin", ...policy.budget_buckets.map((b) => `≥ ${num(inSamples(b), 0)} samples`)],
      policy.policy.map((row, b) => [String(b), ...row.map(configLabel)]),
    ),
  );
  // What the fit chose from at the largest bucket: greedy against the best entry, and the best sampling entry at
  // each temperature of the menu.
  const lastBucket = policy.budget_buckets[policy.budget_buckets.length - 1]!;
  const best = (ms: typeof measurements) => ms.reduce((a, b) => (b.accuracy > a.accuracy || (b.accuracy === a.accuracy && b.spent < a.spent) ? b : a));
  const atTemperature = (t: number) => (m: (typeof measurements)[number]) =>
    ["majority", "best_of_n", "weighted_best_of_n", "anchored_majority", "early_stop"].includes(m.config.strategy) &&
    ((m.config as { temperature?: number }).temperature ?? SAMPLING.temperature) === t;
  const temps = [SAMPLING.temperature, ...OTHER_TEMPERATURES];
  const cell = (m: (typeof measurements)[number]) => `${configLabel(m.config)}: ${pct(m.accuracy)} (${num(inSamples(m.spent), 1)})`;
  md.push(
    "",
    `What the calibration measured at the largest bucket (≥ ${num(inSamples(lastBucket), 0)} samples): accuracy on the bin's ` +
      "calibration questions (FLOPs in samples), greedy against the most accurate entry of the menu and the most accurate " +
      "sampling entry at each temperature:",
    "",
    table(
      ["bin", "questions", "greedy", "most accurate", ...temps.map((t) => `best sampling at T=${t}`)],
      Array.from({ length: bins }, (_, b) => {
        const mine = measurements.filter((m) => m.bin === b && m.budget === lastBucket);
        const greedy = mine.find((m) => m.config.strategy === "greedy")!;
        return [String(b), String(binSizes[b]), pct(greedy.accuracy), cell(best(mine)), ...temps.map((t) => cell(best(mine.filter(atTemperature(t)))))];
      }),
    ),
  );
  // Which noise rule the fit uses, judged on the calibration split only (two folds), never on the test split.
  const held = FIT_RULES.map((rule) => ({ rule, cv: crossValidate(calShape, measurements, rule) }));
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  md.push(
    "",
    "How the fit guards against calibration noise, chosen on the calibration split alone by two-fold cross-validation " +
      "(question i of a bin in fold i mod 2; the table fitted on one fold plays its entries on the other; accuracy over " +
      "all calibration questions, FLOPs in samples). `none` keeps the most accurate entry; `unpaired` the cheapest within " +
      "√(a(1−a)/n) of it; `paired` the cheapest within the standard error of the per-question difference to it (every " +
      "entry ran on the same questions, so a consistent lead is not noise); `pooled` the cheapest within √(a(1−a)/n) of the " +
      "most accurate over every bin's questions together, so each budget bucket plans one config whatever the bin; " +
      "`pooled-paired` the same with the paired error over all questions; `gated` " +
      "the unpaired table, but a bucket whose column differs by bin (auto then probes) takes pooled's config unless the " +
      "column beats it by √(a(1−a)/n) over all questions. " +
      `The fit uses \`${FIT_RULE}\`.`,
    "",
    table(
      ["rule", ...policy.budget_buckets.map((b) => `≥ ${num(inSamples(b), 0)} samples`), "mean accuracy"],
      held.map(({ rule, cv }) => [
        rule, ...cv.buckets.map((b) => `${pct(b.accuracy)} (${num(inSamples(b.flops), 1)})`), pct(meanOf(cv.buckets.map((b) => b.accuracy))),
      ]),
    ),
  );
  const all = (label: string) => summarize(runs.find((r) => r.label === label)!.outcomes);
  const autoPoints = autoRuns.map((r) => ({ label: r.label, s: summarize(r.outcomes) }));
  const matchLine = (baseline: string) => {
    const target = all(baseline);
    const hit = autoPoints.filter((a) => a.s.accuracy >= target.accuracy).sort((a, b) => a.s.flops - b.s.flops)[0];
    if (!hit) {
      const best = autoPoints.reduce((a, b) => (b.s.accuracy > a.s.accuracy ? b : a));
      return [baseline, pct(target.accuracy), num(inSamples(target.flops), 1), `not matched (best auto ${pct(best.s.accuracy)})`, "–", "–"];
    }
    return [baseline, pct(target.accuracy), num(inSamples(target.flops), 1), `${hit.label}: ${pct(hit.s.accuracy)}`, num(inSamples(hit.s.flops), 1), `${num(target.flops / hit.s.flops, 1)}×`];
  };
  const nMax = ns[ns.length - 1];
  md.push(
    "",
    "## Compute-optimal (auto) vs best-of-N",
    "",
    `FLOPs auto needs to match each baseline's accuracy at its largest N (${nMax}), at the job's default temperature ` +
      `(${SAMPLING.temperature}) and at ${OTHER_TEMPERATURES.join(", ")}: the cheapest auto budget (multiples of one ` +
      "sample's worst case) whose accuracy reaches it, and the ratio of mean FLOPs spent. Target (Snell et al.): ≥ 4× fewer.",
    "",
    table(
      ["baseline", "accuracy", "FLOPs (samples)", "auto reaching it", "auto FLOPs (samples)", "FLOPs saved"],
      [SAMPLING.temperature, ...OTHER_TEMPERATURES].flatMap((t) => {
        const at = t === SAMPLING.temperature ? "" : ` T=${t}`;
        return [`best_of_n@${nMax}${at}`, `weighted_best_of_n@${nMax}${at}`, `majority@${nMax}${at}`].map(matchLine);
      }),
    ),
    "",
    charts.chart("auto-vs-best-of-n", {
      title: "Accuracy vs FLOPs, all test problems", xLabel: "FLOPs (in samples)", yLabel: "accuracy", xLog: true,
      series: curves.map((c) => ({
        name: c.name, markers: true, line: c.runs.length > 1,
        points: c.runs.map((r) => { const s = summarize(r.outcomes); return [inSamples(s.flops), s.accuracy] as [number, number]; }),
      })),
    }),
  );
  md.push(
    "",
    "## Elsewhere, and not measured yet",
    "",
    `- Revisions above replay revision pools: per problem, ${REVISION_CHAINS} chains × ${REVISION_LENGTH} attempts written once by the ` +
      "revision policy (core's `revisions` run live, every reviser call recorded); longer chains and the reviser's use of its " +
      "earlier attempts are measured live by `pnpm bench:revisions`: see [REVISIONS.md](REVISIONS.md).",
    "- A ~14× larger policy (small model + test-time compute vs large-model greedy at matched FLOPs): not trained on 2 cores yet.",
    "",
    `Charts: ${charts.written.map((f) => `[${f}](results/${f})`).join(", ")}.`,
    "",
  );
  writeFileSync(flags.out, md.join("\n"));
  log(`wrote ${flags.out} in ${((Date.now() - t0) / 60_000).toFixed(1)} min`);
} finally {
  await stack.close();
}
