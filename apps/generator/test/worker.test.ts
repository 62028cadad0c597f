// The worker end to end on an in-memory PGlite: claim → real engine → verifier over loopback HTTP → stored outcome.
import { formatPrompt, newId, spanFlops, type JobParams } from "@thinktime/core";
import {
  candidates as candidatesTable, createApiKey, createDb, createTenant, jobs, requestCancel, usageEvents,
  type Database, type DbHandle, type Job,
} from "@thinktime/db";
import { migrate } from "@thinktime/db/migrate";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readFlopsModel } from "../src/engine/config.js";
import { Engine } from "../src/engine/index.js";
import { silentLogger } from "../src/log.js";
import { startGenerator, type GeneratorHandle, type GeneratorOptions } from "../src/worker.js";
import { POLICY_DIR } from "./model-dir.js";
import { deadUrl, pairTokens, startStandIn, type StandIn } from "./verifier-stand-in.js";

let handle: DbHandle;
let db: Database;
let engine: Engine;
let tenantId: string;
let verifier: StandIn;
let generator: GeneratorHandle | null = null;

beforeAll(async () => {
  handle = await createDb({ driver: "pglite" });
  await migrate(handle);
  db = handle.db;
  tenantId = (await createTenant(db, "acme")).id;
  await createApiKey(db, tenantId);
  engine = await Engine.load(POLICY_DIR, { intraOpNumThreads: 1 });
  verifier = await startStandIn();
}, 60_000);

afterEach(async () => {
  await generator?.stop();
  generator = null;
  verifier.modes = [];
  verifier.defaultMode = "ok";
});

afterAll(async () => {
  await verifier?.close();
  await engine?.close();
  await handle?.close();
});

const QUESTION = "Ana has 12 apples. She gets 5 more. How many apples now?";

async function enqueue(strategy: string, params: Partial<JobParams> = {}): Promise<string> {
  const id = newId("job");
  await db.insert(jobs).values({
    id, tenantId, question: QUESTION, strategy,
    params: { n: 4, temperature: 0.8, top_p: 1, seed: 1234, max_tokens: 48, ...params },
  });
  return id;
}

async function start(overrides: Partial<GeneratorOptions> = {}): Promise<GeneratorHandle> {
  generator = await startGenerator({
    db, engine, verifierUrl: verifier.url, verifierToken: verifier.token,
    workerId: "w-test", pollMs: 20, leaseMs: 300, shutdownGraceMs: 500, logger: silentLogger, ...overrides,
  });
  return generator;
}

const getJob = async (id: string) => (await db.select().from(jobs)).find((j) => j.id === id)!;
const getCandidates = async (id: string) =>
  (await db.select().from(candidatesTable)).filter((c) => c.jobId === id).sort((a, b) => a.index - b.index);
const getUsage = async (id: string) => (await db.select().from(usageEvents)).filter((u) => u.jobId === id);

async function waitFor(id: string, pred: (j: Job) => boolean, timeoutMs = 30_000): Promise<Job> {
  const t0 = Date.now();
  for (;;) {
    const job = await getJob(id);
    if (pred(job)) return job;
    if (Date.now() - t0 > timeoutMs) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const terminal = (j: Job) => ["succeeded", "failed", "canceled"].includes(j.status);

describe("generator worker", () => {
  it("runs best_of_n: n candidates stored, one chosen, usage billed once with the right counts", async () => {
    const id = await enqueue("best_of_n");
    const callsBefore = verifier.calls;
    await start();
    const job = await waitFor(id, terminal);
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");

    const cands = await getCandidates(id);
    expect(cands.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(cands.filter((c) => c.chosen)).toHaveLength(1);
    expect(cands.every((c) => c.score !== null && c.finishReason.length > 0 && c.tokens > 0)).toBe(true);
    // best_of_n: the chosen one has the top score (answerful candidates preferred).
    const chosen = cands.find((c) => c.chosen)!;
    const pool = cands.some((c) => c.answer !== null) ? cands.filter((c) => c.answer !== null) : cands;
    expect(chosen.score).toBe(Math.max(...pool.map((c) => c.score!)));
    const result = job.result as { answer: string | null; chosen: number };
    expect(result.chosen).toBe(chosen.index);
    expect(result.answer).toBe(chosen.answer);

    const usage = await getUsage(id);
    expect(usage).toHaveLength(1);
    const u = usage[0]!;
    expect(u).toMatchObject({
      tenantId, idempotencyKey: `${id}:complete`, model: "policy", strategy: "best_of_n",
      promptTokens: engine.tokenizer.encode(formatPrompt(QUESTION)).length,
      generatedTokens: cands.reduce((n, c) => n + c.tokens, 0),
      verifierTokens: cands.reduce((n, c) => n + pairTokens(QUESTION, c.text), 0),
    });
    expect(u.flops).toBeGreaterThan(0);
    expect(verifier.calls - callsBefore).toBe(1);
    expect(job.leaseOwner).toBeNull();
  });

  it("bills verifier tokens at the verifier's own shape (verifierModels), not the policy's", async () => {
    const orm = await readFlopsModel(fileURLToPath(new URL("../../../models/orm/onnx", import.meta.url)));
    expect(orm.numLayers).not.toBe(engine.flopsModel.numLayers);
    const flopsOf = async (overrides: Partial<GeneratorOptions>) => {
      const id = await enqueue("best_of_n", { seed: 77 });
      await start(overrides);
      expect((await waitFor(id, terminal)).status).toBe("succeeded");
      await generator?.stop();
      generator = null;
      return { flops: (await getUsage(id))[0]!.flops, cands: await getCandidates(id) };
    };
    const atPolicy = await flopsOf({});
    const atOrm = await flopsOf({ verifierModels: { scorer: orm } });
    expect(atOrm.cands.map((c) => c.text)).toEqual(atPolicy.cands.map((c) => c.text));
    const lengths = atPolicy.cands.map((c) => pairTokens(QUESTION, c.text));
    const expected = lengths.reduce((a, l) => a + spanFlops(orm, 0, l) - spanFlops(engine.flopsModel, 0, l), 0);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(atOrm.flops - atPolicy.flops - expected) / expected).toBeLessThan(1e-6);
  });

  it("runs greedy and majority without calling the verifier", async () => {
    const g = await enqueue("greedy", { n: 1, temperature: 0 });
    const m = await enqueue("majority", { n: 3 });
    const before = verifier.calls;
    await start();
    const [gj, mj] = [await waitFor(g, terminal), await waitFor(m, terminal)];
    expect([gj.status, mj.status]).toEqual(["succeeded", "succeeded"]);
    expect(await getCandidates(g)).toHaveLength(1);
    const mc = await getCandidates(m);
    expect(mc).toHaveLength(3);
    expect(mc.filter((c) => c.chosen).length).toBe((mj.result as { chosen: number | null }).chosen === null ? 0 : 1);
    expect((await getUsage(m))[0]!.verifierTokens).toBe(0);
    expect(verifier.calls).toBe(before);
  });

  it("decodes a HARP job with its settings and reports the reframes' FLOPs inside usage", async () => {
    // θ = 0 reframes every token, so the count is known; greedy keeps the text a function of the settings alone.
    const decoding = { mode: "harp" as const, theta: 0, delta: 0.2, beta: 0.5, variant: "cached" as const, window: 4 };
    const h = await enqueue("greedy", { n: 1, temperature: 0, max_tokens: 12, decoding });
    const v = await enqueue("greedy", { n: 1, temperature: 0, max_tokens: 12 });
    const bad = await enqueue("greedy", { n: 1, temperature: 0, decoding: { ...decoding, delta: 1 } });
    await start();
    const [hj, vj] = [await waitFor(h, terminal), await waitFor(v, terminal)];
    expect([hj.status, vj.status]).toEqual(["succeeded", "succeeded"]);
    const [cand] = await getCandidates(h);
    const report = (hj.result as { decoding: { mode: string; reframes: number; reframe_flops: number } }).decoding;
    expect(report.mode).toBe("harp");
    expect(report.reframes).toBe(cand!.tokens);
    const P = engine.tokenizer.encode(formatPrompt(QUESTION)).length;
    let reframeFlops = 0;
    for (let t = 0; t < cand!.tokens; t++) reframeFlops += spanFlops(engine.flopsModel, Math.max(0, P + t - 4), P + t);
    expect(report.reframe_flops).toBeCloseTo(reframeFlops, 0);
    const [u] = await getUsage(h);
    expect(u!.flops).toBeCloseTo(spanFlops(engine.flopsModel, 0, P + cand!.tokens) + reframeFlops, 0);
    // Vanilla jobs carry no decoding report; impossible HARP settings fail the job instead of running vanilla.
    expect((vj.result as Record<string, unknown>).decoding).toBeUndefined();
    expect((await waitFor(bad, terminal)).error).toMatchObject({ code: "invalid_params", message: expect.stringMatching(/decoding/) });
  });

  it("cancels a running job and bills what it spent", async () => {
    verifier.defaultMode = "hang";
    const id = await enqueue("best_of_n");
    const asked = verifier.nextRequest();
    await start();
    await asked; // sampling is done; the worker now waits on the verifier
    expect(await requestCancel(db, id)).toBe("running");
    const job = await waitFor(id, terminal, 10_000);
    expect(job.status).toBe("canceled");
    const usage = await getUsage(id);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ idempotencyKey: `${id}:canceled`, verifierTokens: 0 });
    expect(usage[0]!.generatedTokens).toBeGreaterThan(0);
    expect(usage[0]!.promptTokens).toBe(engine.tokenizer.encode(formatPrompt(QUESTION)).length);
    expect(await getCandidates(id)).toHaveLength(0);
  });

  it("fails the job with verifier_unavailable in bounded time when the verifier is down", async () => {
    const id = await enqueue("best_of_n");
    const t0 = Date.now();
    await start({ verifierUrl: await deadUrl() });
    const job = await waitFor(id, terminal, 20_000);
    expect(job.status).toBe("failed");
    expect(job.error).toMatchObject({ code: "verifier_unavailable" });
    expect(Date.now() - t0).toBeLessThan(15_000);
    const usage = await getUsage(id);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ idempotencyKey: `${id}:failed`, verifierTokens: 0 });
  }, 25_000);

  it("fails jobs with bad params or an unknown strategy", async () => {
    const bad = await enqueue("best_of_n", { n: 0 });
    const unknown = await enqueue("tree_of_thoughts");
    await start();
    expect((await waitFor(bad, terminal)).error).toMatchObject({ code: "invalid_params" });
    expect((await waitFor(unknown, terminal)).error).toMatchObject({ code: "invalid_params", message: expect.stringMatching(/unknown strategy/) });
  });

  it("abandons a job whose lease another worker took, writing nothing", async () => {
    verifier.defaultMode = "hang";
    const id = await enqueue("best_of_n");
    const asked = verifier.nextRequest();
    const logs: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void logs.push(msg) };
    await start({ logger });
    await asked;
    // Another worker holds it now (only this job is running).
    await db.update(jobs).set({ leaseOwner: "w-other", leaseExpiresAt: new Date(Date.now() + 60_000) });
    const t0 = Date.now();
    while (!logs.includes("job abandoned") && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 25));
    expect(logs).toContain("job abandoned");
    expect(await getJob(id)).toMatchObject({ status: "running", leaseOwner: "w-other" });
    expect(await getCandidates(id)).toHaveLength(0);
    expect(await getUsage(id)).toHaveLength(0);
    await db.delete(jobs);
  });

  it("on stop() gives a running job the grace period, then abandons it to lease expiry", async () => {
    verifier.defaultMode = "hang";
    const id = await enqueue("best_of_n");
    const asked = verifier.nextRequest();
    const g = await start({ shutdownGraceMs: 200, leaseMs: 5000 });
    await asked;
    const t0 = Date.now();
    await g.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(await getJob(id)).toMatchObject({ status: "running" });
    expect(await getUsage(id)).toHaveLength(0);
    await db.delete(jobs);
  });

  it("stop() returns promptly when idle and the worker claims nothing afterwards", async () => {
    const g = await start({ pollMs: 10_000 });
    const t0 = Date.now();
    await g.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    const id = await enqueue("greedy", { n: 1, temperature: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect((await getJob(id)).status).toBe("queued");
    await db.delete(jobs); // leave no queued job for later tests
  });
});
