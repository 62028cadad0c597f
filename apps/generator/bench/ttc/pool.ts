// Sample pools: K seeded samples per problem from the engine, each scored by the real ORM (and, in a second cached
// pass, the PRM) over HTTP.
// Every curve and every replayed strategy in bench:ttc and the calibration reads these (Brown et al. 2024's method:
// draw many samples once, then evaluate any k ≤ K and any selection rule on them).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  type ArithProblem, type Sampler, type Scorer, type StepScorer, answerOf, arithSplit, checkArithSolution, formatPrompt, stepLines,
} from "@thinktime/core";

export interface PoolSample {
  text: string;
  tokens: number;
  logprob: number;
  finishReason: "stop" | "length";
  /** Generator FLOPs of this completion (the prompt's prefill is in PoolProblem.promptFlops). */
  flops: number;
  answer: string | null;
  correct: boolean;
  /** The exact checker: right answer and every step right. */
  stepVerified: boolean;
  orm: number;
  /** PRM score of each step prefix (last = the PRM's outcome score); empty until withPrmScores adds them. */
  prm: number[];
}

export interface PoolProblem {
  id: string;
  steps: number;
  question: string;
  answer: string;
  promptTokens: number;
  promptFlops: number;
  greedy: PoolSample;
  samples: PoolSample[];
  /** Set by withTemperatures: the temperature `samples` were drawn at, and the same problem's samples drawn at other
   * temperatures (keyed by the temperature), which strategies planned at one of them replay. */
  temperatures?: { own: number; others: Record<string, PoolSample[]> };
}

export interface PoolMeta {
  split: "test" | "calibration";
  perStep: number;
  steps: number[];
  k: number;
  seed: number;
  temperature: number;
  maxTokens: number;
  /** The models' names (and training iterations) the pool was drawn and scored with. */
  models: Record<string, string>;
}

export interface Pool {
  meta: PoolMeta;
  problems: PoolProblem[];
  /** The settings of the pools at other temperatures merged in by withTemperatures. */
  others?: PoolMeta[];
}

export interface PoolDeps {
  sampler: Sampler;
  scorer: Scorer;
  stepScorer: StepScorer;
  log: (line: string) => void;
}

/** The problems of a split: perStep per difficulty, as arithSplit generates them (deterministic). */
export function poolProblems(split: PoolMeta["split"], steps: readonly number[], perStep: number): ArithProblem[] {
  return steps.flatMap((s) => arithSplit(split, { steps: s, count: perStep }));
}

/** Loads the cached pool when its settings match `meta`, else draws and scores it and writes the cache. */
export async function loadOrBuildPool(file: string, meta: PoolMeta, deps: PoolDeps, concurrency = 2): Promise<Pool> {
  const problems = poolProblems(meta.split, meta.steps, meta.perStep);
  return cachedPool(file, meta, problems, (p) => drawProblem(p, meta, deps), { label: `pool ${meta.split}`, log: deps.log, concurrency, every: 20 });
}

/**
 * A pool file's contents when its `meta` matches, else `draw` run on every problem (`concurrency` at a time, in the
 * problems' order in the result) and written there: the cache behind the sample pools and the revision pools.
 */
export async function cachedPool<M, P>(
  file: string,
  meta: M,
  problems: readonly ArithProblem[],
  draw: (p: ArithProblem) => Promise<P>,
  o: { label: string; log: (line: string) => void; concurrency: number; every: number },
): Promise<{ meta: M; problems: P[] }> {
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, "utf8")) as { meta: M; problems: P[] };
    if (JSON.stringify(cached.meta) === JSON.stringify(meta)) {
      o.log(`${o.label}: cached (${file})`);
      return cached;
    }
  }
  const out: P[] = new Array(problems.length);
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < problems.length) {
      const i = next++;
      out[i] = await draw(problems[i]!);
      if (++done % o.every === 0 || done === problems.length) {
        o.log(`${o.label}: ${done}/${problems.length} problems, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const pool = { meta, problems: out };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(pool));
  return pool;
}

async function drawProblem(p: ArithProblem, meta: PoolMeta, deps: PoolDeps): Promise<PoolProblem> {
  const prompt = formatPrompt(p.question);
  const base = { top_p: 1, max_tokens: meta.maxTokens, seed: meta.seed };
  const [sampled, greedy] = await Promise.all([
    deps.sampler.sample(prompt, { ...base, n: meta.k, temperature: meta.temperature }),
    deps.sampler.sample(prompt, { ...base, n: 1, temperature: 0 }),
  ]);
  const completions = [...sampled.completions, ...greedy.completions];
  // A blank completion is not a solution the verifier scores (it answers 400): it gets 0 without a call.
  const scored = completions.flatMap((c, i) => (stepLines([c.text]).length > 0 ? [i] : []));
  const ormRes = await deps.scorer.score(scored.map((i) => ({ question: p.question, solution: completions[i]!.text })));
  const orm: number[] = completions.map(() => 0);
  scored.forEach((i, j) => {
    orm[i] = ormRes.scores[j]!;
  });
  const samples = completions.map((c, i): PoolSample => {
    const check = checkArithSolution(p, c.text);
    return {
      text: c.text, tokens: c.tokens, logprob: Number.isFinite(c.logprob) ? c.logprob : -1e9, finishReason: c.finishReason,
      flops: c.flops, answer: answerOf(c.text), correct: check.answerCorrect, stepVerified: check.stepVerified,
      orm: orm[i]!, prm: [],
    };
  });
  return {
    id: p.id, steps: p.steps, question: p.question, answer: String(p.answer),
    promptTokens: sampled.promptTokens, promptFlops: sampled.promptFlops,
    greedy: samples.pop()!, samples,
  };
}

/** The pool with each problem's samples at the other pools' temperatures beside its own (the same problems, in order). */
export function withTemperatures(pool: Pool, others: readonly Pool[]): Pool {
  for (const o of others) {
    if (o.problems.length !== pool.problems.length || o.problems.some((p, i) => p.id !== pool.problems[i]!.id)) {
      throw new Error(`the pool at temperature ${o.meta.temperature} holds other problems than the one at ${pool.meta.temperature}`);
    }
  }
  return {
    meta: pool.meta,
    others: others.map((o) => o.meta),
    problems: pool.problems.map((p, i) => ({
      ...p,
      temperatures: { own: pool.meta.temperature, others: Object.fromEntries(others.map((o) => [String(o.meta.temperature), o.problems[i]!.samples])) },
    })),
  };
}

/**
 * The pool with every sample's PRM step scores, cached in its own file per PRM (the samples need not be redrawn when
 * only the PRM changes). A blank sample scores [0] without a call (the verifier refuses blank solutions).
 */
export async function withPrmScores(pool: Pool, file: string, prmName: string, deps: PoolDeps): Promise<Pool> {
  type Cache = { prm: string; meta: PoolMeta; scores: number[][][] };
  let scores: number[][][] | null = null;
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, "utf8")) as Cache;
    if (cached.prm === prmName && JSON.stringify(cached.meta) === JSON.stringify(pool.meta)) scores = cached.scores;
  }
  if (!scores) {
    const t0 = Date.now();
    scores = [];
    for (const [n, p] of pool.problems.entries()) {
      const all = [...p.samples, p.greedy];
      const scored = all.flatMap((s, i) => (stepLines([s.text]).length > 0 ? [i] : []));
      const res = await deps.stepScorer.scoreSteps(scored.map((i) => ({ question: p.question, steps: stepLines([all[i]!.text]) })));
      const mine: number[][] = all.map(() => [0]);
      scored.forEach((i, j) => {
        mine[i] = res.scores[j]!;
      });
      scores.push(mine);
      if ((n + 1) % 20 === 0) deps.log(`PRM scores: ${n + 1}/${pool.problems.length} problems, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
    writeFileSync(file, JSON.stringify({ prm: prmName, meta: pool.meta, scores } satisfies Cache));
  }
  const byProblem = scores;
  return {
    meta: pool.meta,
    problems: pool.problems.map((p, n) => ({
      ...p,
      samples: p.samples.map((s, i) => ({ ...s, prm: byProblem[n]![i]! })),
      greedy: { ...p.greedy, prm: byProblem[n]![p.samples.length]! },
    })),
  };
}
