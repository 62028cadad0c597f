// Core's sampling strategies (and auto) replayed on a pool: the sampler serves the pool's samples in order, the
// scorer their cached ORM scores, so the product's own code decides, stops and bills, without re-running the models.
import {
  type SampleBatch, type SampleParams, type Sampler, type Scorer, type SearchContext, type StepScorer, formatPrompt, stepLines,
} from "@thinktime/core";
import type { PoolProblem, PoolSample } from "./pool.js";
import { type RevisionPoolProblem, replayReviser } from "./revision-pool.js";

const chars = (text: string) => [...text].length;

/** Thrown when a strategy asks the pool for more samples than it holds: draw a bigger pool (--k). */
export class PoolExhausted extends Error {}

/**
 * A Sampler over one problem's pool, from sample `offset` on: sampled calls take the next unused samples (a fresh draw, as a new seed would
 * be), temperature 0 returns the greedy sample. Billing is the engine's: the prompt prefill once per call plus each
 * completion's recorded tokens and FLOPs. Samples i < K are i.i.d. draws, so serving them in order is the same
 * distribution as the engine's seeded sampling. A problem merged with pools at other temperatures (withTemperatures)
 * serves each call from the samples drawn at its temperature, each with its own cursor, and refuses any other.
 */
export function replaySampler(problem: PoolProblem, offset = 0): Sampler {
  const cursors = new Map<number, number>();
  const drawnAt = (t: number): PoolSample[] => {
    const temps = problem.temperatures;
    if (!temps || t === temps.own) return problem.samples;
    const others = temps.others[String(t)];
    if (!others) throw new Error(`${problem.id}: no pool samples at temperature ${t} (pools: ${[temps.own, ...Object.keys(temps.others)].join(", ")})`);
    return others;
  };
  return {
    async sample(prompt: string, params: SampleParams): Promise<SampleBatch> {
      if (prompt !== formatPrompt(problem.question)) throw new Error("replaySampler serves only its problem's prompt");
      let picked: PoolSample[];
      if (params.temperature === 0) picked = Array.from({ length: params.n }, () => problem.greedy);
      else {
        const samples = drawnAt(params.temperature);
        const cursor = cursors.get(params.temperature) ?? offset;
        if (cursor + params.n > samples.length) {
          throw new PoolExhausted(`${problem.id}: ${cursor + params.n} samples wanted, the pool holds ${samples.length}`);
        }
        picked = samples.slice(cursor, cursor + params.n);
        cursors.set(params.temperature, cursor + params.n);
      }
      return {
        promptTokens: problem.promptTokens,
        promptFlops: problem.promptFlops,
        completions: picked.map((s) => ({
          text: s.text, tokens: s.tokens, logprob: s.logprob, finishReason: s.finishReason, flops: s.flops,
        })),
      };
    },
  };
}

/** Every sample the problem holds: its own, the greedy one, and those drawn at other temperatures. */
const allSamples = (problem: PoolProblem): PoolSample[] => [
  ...problem.samples, problem.greedy, ...Object.values(problem.temperatures?.others ?? {}).flat(),
];

/** The ORM's cached scores (the pool's samples and `more`, e.g. revision attempts), billed as the verifier bills:
 * BOS + formatted question + solution per item. */
export function replayScorer(problem: PoolProblem, more: Record<string, number> = {}): Scorer {
  const byText = new Map<string, number>(Object.entries(more));
  for (const s of allSamples(problem)) byText.set(s.text, s.orm);
  return {
    async score(items) {
      const scores = items.map((it) => {
        const s = byText.get(it.solution);
        if (s === undefined) throw new Error(`${problem.id}: no cached ORM score for a solution`);
        return s;
      });
      const tokens = items.reduce((a, it) => a + 1 + chars(formatPrompt(it.question)) + chars(it.solution), 0);
      return { scores, tokens };
    },
  };
}

/**
 * The PRM's cached step scores of whole pool solutions (what weighted_best_of_n asks for), billed as the verifier
 * bills. Partial solutions are not in the pool: the tree searches cannot be replayed (they run live).
 */
export function replayStepScorer(problem: PoolProblem): StepScorer {
  const byText = new Map<string, number[]>();
  for (const s of allSamples(problem)) byText.set(stepLines([s.text]).join("\n"), s.prm);
  return {
    async scoreSteps(items) {
      const scores = items.map((it) => {
        const s = byText.get(it.steps.join("\n"));
        if (!s || s.length === 0) throw new Error(`${problem.id}: no cached PRM scores for a solution (partial, or a pool without PRM scores)`);
        return s;
      });
      const tokens = items.reduce((a, it) => a + 1 + chars(formatPrompt(it.question)) + chars(it.steps.join("\n")), 0);
      return { scores, tokens };
    },
  };
}

/** A search context over the pool: the sampler, the verifiers asked for, the reviser when the problem's revision
 * pool is given, and whatever else is given. */
export function replayContext(
  problem: PoolProblem,
  extra: Omit<SearchContext, "sampler" | "scorer" | "stepScorer">,
  offset = 0,
  uses: { scorer: boolean; stepScorer: boolean } = { scorer: true, stepScorer: true },
  revisions?: RevisionPoolProblem,
): SearchContext {
  return {
    sampler: replaySampler(problem, offset),
    ...(revisions ? { reviser: replayReviser(revisions) } : {}),
    ...(uses.scorer ? { scorer: replayScorer(problem, revisions?.orm) } : {}),
    ...(uses.stepScorer ? { stepScorer: replayStepScorer(problem) } : {}),
    ...extra,
  };
}
