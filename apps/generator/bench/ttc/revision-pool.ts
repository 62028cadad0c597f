// Revision pools: per problem, core's `revisions` strategy run once live (C chains × L attempts by the revision
// policy, each attempt ORM-scored), every reviser call recorded, so that any c ≤ C chains of l ≤ L attempts replays
// exactly — what lets the calibration put revisions in auto's menu beside the sampling strategies.
import {
  type ArithProblem, type CostModels, type SampleBatch, type SampleParams, type Sampler, type Scorer, fnv1a, runSearch,
} from "@thinktime/core";
import { type PoolMeta, cachedPool, poolProblems } from "./pool.js";
import { PoolExhausted } from "./replay.js";
import { STEPS, revisionPoolFile, revisionPoolMeta } from "./settings.js";

/** One recorded reviser call: its prompt (by hash), what it billed, what it returned. */
export interface RevisionCall {
  prompt: number;
  batch: SampleBatch;
}

export interface RevisionPoolProblem {
  id: string;
  /** In call order: the first is every chain's first attempt (n = chains), then one call per chain and round. */
  calls: RevisionCall[];
  /** ORM score of every attempt's text. */
  orm: Record<string, number>;
}

export interface RevisionPoolMeta {
  /** 2: calls recorded in the order they are made (1 recorded them as they finished). */
  format: 2;
  split: "test" | "calibration";
  perStep: number;
  chains: number;
  length: number;
  seed: number;
  temperature: number;
  maxTokens: number;
  models: Record<string, string>;
}

export interface RevisionPool {
  meta: RevisionPoolMeta;
  problems: RevisionPoolProblem[];
}

export interface RevisionPoolDeps {
  reviser: Sampler;
  reviserContext?: number;
  scorer: Scorer;
  models: CostModels;
  log: (line: string) => void;
}

/** A split's revision pool (cached in .data/ttc) by problem id, for the problems loadOrBuildPool draws there. */
export async function revisionPools(
  split: PoolMeta["split"],
  perStep: number,
  names: Record<string, string>,
  deps: RevisionPoolDeps,
): Promise<Map<string, RevisionPoolProblem>> {
  const meta = revisionPoolMeta(split, perStep, names);
  const pool = await loadOrBuildRevisionPool(revisionPoolFile(meta), meta, poolProblems(split, STEPS, perStep), deps);
  return new Map(pool.problems.map((p) => [p.id, p]));
}

/** Loads the cached pool when its settings match, else runs `revisions` live on every problem and writes the cache. */
export function loadOrBuildRevisionPool(
  file: string,
  meta: RevisionPoolMeta,
  problems: readonly ArithProblem[],
  deps: RevisionPoolDeps,
  concurrency = 32,
): Promise<RevisionPool> {
  const o = { label: `revision pool ${meta.split}`, log: deps.log, concurrency, every: 40 };
  return cachedPool(file, meta, problems, (p) => recordRevisionProblem(p, meta, deps), o);
}

/** Runs `revisions` live on one problem with the pool's chains × length, recording every reviser call. */
export async function recordRevisionProblem(
  p: Pick<ArithProblem, "id" | "question">,
  meta: RevisionPoolMeta,
  deps: RevisionPoolDeps,
): Promise<RevisionPoolProblem> {
  const calls: RevisionCall[] = [];
  // Calls are recorded in the order they are made (a round's chains call side by side and may finish in any order):
  // replay serves calls with the same prompt in that order.
  const recording: Sampler = {
    async sample(prompt, params, opts) {
      const slot = calls.length;
      calls.push({ prompt: fnv1a(prompt), batch: { promptTokens: 0, promptFlops: 0, completions: [] } });
      calls[slot]!.batch = await deps.reviser.sample(prompt, params, opts);
      return calls[slot]!.batch;
    },
  };
  const params = {
    n: meta.chains * meta.length, chains: meta.chains, revision_select: "verifier" as const,
    temperature: meta.temperature, top_p: 1, seed: meta.seed, max_tokens: meta.maxTokens,
  };
  const ctx = { sampler: recording, reviser: recording, reviserContext: deps.reviserContext, scorer: deps.scorer, models: deps.models };
  const result = await runSearch("revisions", p.question, params, ctx);
  const orm: Record<string, number> = {};
  for (const c of result.candidates) orm[c.text] = c.score ?? 0;
  return { id: p.id, calls, orm };
}

/**
 * The reviser over one problem's recorded calls. A call's prompt picks the recorded calls made with that prompt, served
 * in recorded order: the chains' shared first prompt hands out first attempts in chain order (c chains take the first
 * c), and a later chain's prompt (the question and that chain's earlier attempts) its recorded next attempt. Replaying
 * the first c chains' first l rounds is the live run with `chains = c`: the same prompts in the same order.
 */
export function replayReviser(problem: RevisionPoolProblem): Sampler {
  const queues = new Map<number, { batch: SampleBatch; served: number }[]>();
  for (const call of problem.calls) queues.set(call.prompt, [...(queues.get(call.prompt) ?? []), { batch: call.batch, served: 0 }]);
  return {
    async sample(prompt: string, params: SampleParams): Promise<SampleBatch> {
      const calls = queues.get(fnv1a(prompt)) ?? [];
      const call = calls.find((c) => c.served < c.batch.completions.length);
      if (!call || call.served + params.n > call.batch.completions.length) {
        throw new PoolExhausted(`${problem.id}: the revision pool holds no more attempts for this prompt (n = ${params.n})`);
      }
      const completions = call.batch.completions.slice(call.served, call.served + params.n);
      call.served += params.n;
      return { promptTokens: call.batch.promptTokens, promptFlops: call.batch.promptFlops, completions };
    },
  };
}
