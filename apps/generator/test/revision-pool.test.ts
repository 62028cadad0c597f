// The revision pool replays core's `revisions` exactly: the real revision policy run live once with C chains × L
// attempts, then every c ≤ C × l ≤ L replayed from the recording against the same run made live.
import { type Scorer, type SearchParams, fnv1a, runSearch } from "@thinktime/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RevisionPoolProblem, recordRevisionProblem, replayReviser } from "../bench/ttc/revision-pool.js";
import { Engine } from "../src/engine/index.js";
import { engineSampler } from "../src/sampler.js";
import { REVISE_DIR } from "./model-dir.js";

const PROBLEM = { id: "arith-test-x", question: "Ana has 12 apples. She gets 5 more. She loses 3. How many apples now?" };
const META = { format: 2 as const, split: "test" as const, perStep: 1, chains: 2, length: 3, seed: 77, temperature: 0.9, maxTokens: 48, models: {} };

/** The verifier at the unit's edge: a fixed pseudo-random score per solution text. */
const scorer: Scorer = {
  async score(items) {
    return { scores: items.map((it) => (fnv1a(it.solution) % 1000) / 1000), tokens: items.length };
  },
};

let reviser: Engine;
let recorded: RevisionPoolProblem;
const models = () => ({ generator: reviser.flopsModel, scorer: reviser.flopsModel, reviser: reviser.flopsModel });
const live = () => ({ sampler: engineSampler(reviser), reviser: engineSampler(reviser), reviserContext: reviser.maxPositions, scorer, models: models() });

beforeAll(async () => {
  reviser = await Engine.load(REVISE_DIR, { intraOpNumThreads: 1 });
  recorded = await recordRevisionProblem(PROBLEM, META, { ...live(), log: () => {} });
}, 60_000);

afterAll(async () => {
  await reviser?.close();
});

const params = (chains: number, length: number, select: "verifier" | "majority"): SearchParams => ({
  n: chains * length, chains, revision_select: select, temperature: META.temperature, top_p: 1, seed: META.seed, max_tokens: META.maxTokens,
});

describe("revision pool", () => {
  it("records one first-attempt call for every chain and one call per later attempt", () => {
    expect(recorded.calls[0]!.batch.completions).toHaveLength(META.chains);
    expect(recorded.calls.slice(1).every((c) => c.batch.completions.length === 1)).toBe(true);
    expect(recorded.calls).toHaveLength(1 + META.chains * (META.length - 1));
    expect(Object.keys(recorded.orm).length).toBeGreaterThan(0);
  });

  for (const [chains, length] of [[2, 3], [1, 3], [2, 1], [1, 2]] as const) {
    for (const select of ["verifier", "majority"] as const) {
      it(`replays ${chains} × ${length} (${select}) as the live run makes it`, async () => {
        const p = params(chains, length, select);
        const want = await runSearch("revisions", PROBLEM.question, p, live());
        const replayed = { ...live(), sampler: replayReviser(recorded), reviser: replayReviser(recorded) };
        const got = await runSearch("revisions", PROBLEM.question, p, replayed);
        expect(got.candidates.map((c) => c.text)).toEqual(want.candidates.map((c) => c.text));
        expect(got.answer).toBe(want.answer);
        expect(got.cost).toEqual(want.cost);
      }, 60_000);
    }
  }

  it("refuses a run longer than the recording instead of inventing attempts", async () => {
    const replayed = { ...live(), sampler: replayReviser(recorded), reviser: replayReviser(recorded) };
    await expect(runSearch("revisions", PROBLEM.question, params(2, 4, "verifier"), replayed)).rejects.toThrow(/no more attempts/);
    await expect(runSearch("revisions", PROBLEM.question, params(3, 1, "majority"), { ...replayed, reviser: replayReviser(recorded) })).rejects.toThrow(
      /no more attempts/,
    );
  });
});
