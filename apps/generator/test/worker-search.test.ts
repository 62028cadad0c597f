// The worker running the budgeted searches on the real policy model: reproducible by seed, within budget, tree stored.
import { newId, sampleWorst, type JobParams, type JobResult } from "@thinktime/core";
import {
  candidates as candidatesTable, createDb, createTenant, jobs, savePolicyTable, usageEvents, type Database, type DbHandle, type Job,
} from "@thinktime/db";
import { PolicyTable } from "@thinktime/core";
import { migrate } from "@thinktime/db/migrate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../src/engine/index.js";
import { silentLogger } from "../src/log.js";
import { startGenerator, type GeneratorHandle } from "../src/worker.js";
import { POLICY_DIR, REVISE_DIR } from "./model-dir.js";
import { startStandIn, type StandIn } from "./verifier-stand-in.js";

let handle: DbHandle;
let db: Database;
let engine: Engine;
let reviser: Engine;
let tenantId: string;
let verifier: StandIn;
let generator: GeneratorHandle | null = null;

beforeAll(async () => {
  handle = await createDb({ driver: "pglite" });
  await migrate(handle);
  db = handle.db;
  tenantId = (await createTenant(db, "acme")).id;
  engine = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1 });
  reviser = await Engine.load(REVISE_DIR, { intraOpNumThreads: 1 });
  verifier = await startStandIn();
  generator = await startGenerator({
    db, engine, reviser, verifierUrl: verifier.url, verifierToken: verifier.token,
    workerId: "w-search", pollMs: 20, leaseMs: 5000, logger: silentLogger,
  });
}, 60_000);

afterEach(() => {
  verifier.paths = {};
});

afterAll(async () => {
  await generator?.stop();
  await verifier?.close();
  await engine?.close();
  await reviser?.close();
  await handle?.close();
});

const QUESTION = "Ana has 12 apples. She gets 5 more. How many apples now?";
type Params = Partial<JobParams> & Record<string, unknown>;

async function run(strategy: string, params: Params): Promise<Job> {
  const id = newId("job");
  await db.insert(jobs).values({
    id, tenantId, question: QUESTION, strategy,
    params: { n: 4, temperature: 0.8, top_p: 1, seed: 1234, max_tokens: 48, ...params },
  });
  generator!.wake();
  const t0 = Date.now();
  for (;;) {
    const [job] = (await db.select().from(jobs)).filter((j) => j.id === id);
    if (job && ["succeeded", "failed", "canceled"].includes(job.status)) return job;
    if (Date.now() - t0 > 60_000) throw new Error(`job ${id} still ${job?.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const candidatesOf = async (id: string) =>
  (await db.select().from(candidatesTable)).filter((c) => c.jobId === id).sort((a, b) => a.index - b.index);
const resultOf = (job: Job) => job.result as unknown as JobResult;
const usageOf = async (id: string) => (await db.select().from(usageEvents)).filter((u) => u.jobId === id);

/** What a job produced, minus ids and timestamps: equal for two runs of the same params and seed. */
async function outcome(job: Job) {
  const cands = await candidatesOf(job.id);
  const usage = await usageOf(job.id);
  expect(usage).toHaveLength(1);
  const { promptTokens, generatedTokens, verifierTokens, flops, strategy } = usage[0]!;
  return {
    result: job.result,
    candidates: cands.map(({ index, text, answer, tokens, score, chosen }) => ({ index, text, answer, tokens, score, chosen })),
    usage: { promptTokens, generatedTokens, verifierTokens, flops, strategy },
  };
}

describe("generator worker: search strategies", () => {
  it("runs beam_search on the PRM: the same answer, tree and cost twice for one seed", async () => {
    const params = { beam_width: 2, max_rounds: 4, step_tokens: 16 };
    const [a, b] = [await run("beam_search", params), await run("beam_search", params)];
    expect([a.status, b.status], JSON.stringify([a.error, b.error])).toEqual(["succeeded", "succeeded"]);
    const [oa, ob] = [await outcome(a), await outcome(b)];
    expect(ob).toEqual(oa);

    const result = resultOf(a);
    expect(["finished", "rounds"]).toContain(result.stopped);
    expect(result.tree!.length).toBeGreaterThanOrEqual(4);
    expect(result.tree!.filter((n) => n.depth === 0)).toHaveLength(4); // n first steps
    expect(result.tree!.every((n) => n.depth < 4 && n.subtree === 0)).toBe(true);
    expect(result.verifier_flops).toBeGreaterThan(0);
    // Candidates are the paths that ended, each the steps of its tree path; at most one is chosen.
    expect(oa.candidates.length).toBeGreaterThan(0);
    expect(oa.candidates.filter((c) => c.chosen).length).toBe(result.chosen === null ? 0 : 1);
    expect(oa.usage.generatedTokens).toBe(result.tree!.reduce((s, n) => s + n.tokens, 0));
    expect(oa.usage.verifierTokens).toBeGreaterThan(0);
    expect(oa.usage.flops).toBeGreaterThan(result.verifier_flops!);
    expect(verifier.paths).toEqual({ "/v1/score-steps": expect.any(Number) });
  }, 120_000);

  it("runs early_stop weighted by the ORM: the same answer and cost twice for one seed", async () => {
    const params = { n: 8, round_size: 2, alpha: 0.2 };
    const [a, b] = [await run("early_stop", params), await run("early_stop", params)];
    expect([a.status, b.status], JSON.stringify([a.error, b.error])).toEqual(["succeeded", "succeeded"]);
    const [oa, ob] = [await outcome(a), await outcome(b)];
    expect(ob).toEqual(oa);
    const result = resultOf(a);
    expect(["settled", "samples"]).toContain(result.stopped);
    expect(result.tree).toBeUndefined();
    expect(oa.candidates.length % 2).toBe(0);
    expect(oa.candidates.every((c) => c.score !== null)).toBe(true);
    expect(verifier.paths).toEqual({ "/v1/score": expect.any(Number) });
  }, 120_000);

  it("runs anchored_majority: one greedy decode beside n samples, no verifier, the same answer and cost twice", async () => {
    const params = { n: 6, anchor: 2 };
    const [a, b] = [await run("anchored_majority", params), await run("anchored_majority", params)];
    expect([a.status, b.status], JSON.stringify([a.error, b.error])).toEqual(["succeeded", "succeeded"]);
    const [oa, ob] = [await outcome(a), await outcome(b)];
    expect(ob).toEqual(oa);
    const result = resultOf(a);
    expect(result.stopped).toBe("done");
    expect(oa.candidates).toHaveLength(7);
    expect(oa.candidates.every((c) => c.score === null)).toBe(true);
    // The votes are the anchored ones: the greedy candidate's answer counts twice.
    const answers = oa.candidates.map((c) => c.answer);
    const votes: Record<string, number> = {};
    answers.forEach((x, i) => { if (x !== null) votes[x] = (votes[x] ?? 0) + (i === 0 ? 2 : 1); });
    expect(result.votes).toEqual(votes);
    expect(oa.usage.verifierTokens).toBe(0);
  }, 120_000);

  it("runs revisions on the revision policy: chains of attempts, each revising its chain's last ones, twice alike", async () => {
    const params = { n: 6, chains: 2, max_tokens: 40 };
    const [a, b] = [await run("revisions", params), await run("revisions", params)];
    expect([a.status, b.status], JSON.stringify([a.error, b.error])).toEqual(["succeeded", "succeeded"]);
    const [oa, ob] = [await outcome(a), await outcome(b)];
    expect(ob).toEqual(oa);
    const result = resultOf(a);
    expect(result.stopped).toBe("done");
    expect(oa.candidates).toHaveLength(6);
    expect(oa.candidates.every((c) => c.score !== null)).toBe(true);
    // Two chains of three: the second and third attempts of each chain revise the one before.
    const tree = result.tree!;
    expect(tree.map((n) => [n.subtree, n.depth])).toEqual([[0, 0], [1, 0], [0, 1], [1, 1], [0, 2], [1, 2]]);
    expect(tree.filter((n) => n.parent !== null).every((n) => tree[n.parent!]!.subtree === n.subtree)).toBe(true);
    // Billed as the revision policy; later attempts read longer prompts (their chain's attempts) than the first.
    const [usage] = await usageOf(a.id);
    expect(usage!.model).toBe(reviser.name);
    expect(usage!.promptTokens).toBeGreaterThan(3 * (1 + QUESTION.length + 1));
    expect(verifier.paths).toEqual({ "/v1/score": expect.any(Number) });
  }, 120_000);

  it("keeps every search within its token and FLOPs budget", async () => {
    const fm = engine.flopsModel;
    const one = sampleWorst(QUESTION, 48, { generator: fm, scorer: fm });
    const budget = { tokens: 3 * one.tokens, flops: 3 * one.flops };
    const cases: [string, Params][] = [
      ["beam_search", { n: 8, beam_width: 2, max_rounds: 6, step_tokens: 16 }],
      ["lookahead", { n: 4, beam_width: 2, lookahead: 1, max_rounds: 4, step_tokens: 16 }],
      ["dvts", { n: 8, beam_width: 2, max_rounds: 4, step_tokens: 16 }],
      ["early_stop", { n: 16, round_size: 4 }],
      ["best_of_n", { n: 16 }],
      ["weighted_best_of_n", { n: 16 }],
      ["revisions", { n: 8, chains: 2 }],
      ["anchored_majority", { n: 16 }],
      ["anchored_majority", { n: 16, weighted: true }],
    ];
    for (const [strategy, params] of cases) {
      const job = await run(strategy, { ...params, budget });
      expect(job.status, `${strategy}: ${JSON.stringify(job.error)}`).toBe("succeeded");
      const { usage } = await outcome(job);
      expect(usage.promptTokens + usage.generatedTokens + usage.verifierTokens, strategy).toBeLessThanOrEqual(budget.tokens);
      expect(usage.flops, strategy).toBeLessThanOrEqual(budget.flops);
    }
    // n = 16 samples cannot fit three samples' worth: best_of_n ran fewer and says so.
    const capped = await run("best_of_n", { n: 16, budget });
    expect(resultOf(capped).stopped).toBe("budget");
    expect((await candidatesOf(capped.id)).length).toBeLessThanOrEqual(3);
  }, 300_000);

  it("runs auto: probes with the ORM, plans by the stored table's bin, reports why, stays within budget, twice alike", async () => {
    const table = PolicyTable.parse({
      version: "worker-test-1", unit: "tokens", probe: { n: 2, max_share: 0.3 }, bin_thresholds: [0.5], default_bin: 1,
      budget_buckets: [0, 1500],
      policy: [
        [{ strategy: "greedy" }, { strategy: "majority", n: 3 }],
        [{ strategy: "greedy" }, { strategy: "beam_search", n: 4, beam_width: 2, max_rounds: 4, step_tokens: 16 }],
      ],
    });
    await savePolicyTable(db, table);
    const params = { budget: { tokens: 4000 }, policy_table: table.version };
    const [a, b] = [await run("auto", params), await run("auto", params)];
    expect([a.status, b.status], JSON.stringify([a.error, b.error])).toEqual(["succeeded", "succeeded"]);
    const [oa, ob] = [await outcome(a), await outcome(b)];
    expect(ob).toEqual(oa);
    const { plan } = resultOf(a);
    expect(plan?.probe?.n).toBe(2);
    expect(plan?.probe?.scores).toHaveLength(2);
    // The stand-in ORM scores length / 100 ≤ 0.48 at 48 tokens (difficulty > 0.5 → bin 1); 4000 − probe ≥ 1500 → bucket 1.
    expect(plan?.why).toMatchObject({ version: "worker-test-1", bin: 1, bucket: 1 });
    expect(plan?.strategy).toBe("beam_search");
    expect(resultOf(a).tree!.length).toBeGreaterThan(0);
    expect(oa.usage.strategy).toBe("auto");
    expect(oa.usage.promptTokens + oa.usage.generatedTokens + oa.usage.verifierTokens).toBeLessThanOrEqual(4000);

    const missing = await run("auto", { budget: { tokens: 4000 }, policy_table: "no-such-table" });
    expect(missing.status).toBe("failed");
    expect(missing.error).toMatchObject({ code: "invalid_params", message: expect.stringMatching(/no-such-table/) });
  }, 300_000);

  it("fails a job whose budget cannot pay for one sample with budget_too_small, billing nothing", async () => {
    const job = await run("beam_search", { budget: { tokens: 10 } });
    expect(job.status).toBe("failed");
    expect(job.error).toMatchObject({ code: "budget_too_small", message: expect.stringMatching(/smaller than one scored step/) });
    expect(await usageOf(job.id)).toHaveLength(0);
    expect(await candidatesOf(job.id)).toHaveLength(0);
  });
});
