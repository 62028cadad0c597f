// POST /v1/jobs against a monthly credit limit, on PGlite and Postgres: 402 when spent, and never an overspend.
import type { JobResource } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { completeJob, creditBalance, jobs } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness } from "../../../../test/harness.js";

const BODY = { question: "2+2?", strategy: "greedy", max_tokens: 16 };
const COST = jobCreditBudget({ n: 1, max_tokens: 16 }, "2+2?");

describe.each(BACKENDS)("POST /v1/jobs credits (%s)", (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.open(backend);
  });
  afterAll(() => h?.close());

  it("reserves the job's budget at submit and refuses with 402 once the month's credits are spent", async () => {
    const acme = await h.tenant({ monthlyCredits: 2 * COST });
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 201);
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 201);
    const before = await h.jobCount();
    const body = await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 402, "credits_exhausted");
    expect(body.detail).toContain(`${COST}`);
    expect(await h.jobCount()).toBe(before);
    // Reads still work when credits are spent.
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
  });

  it("100 concurrent submits against the last credits never overspend", async () => {
    const limit = 7 * COST + COST - 1; // room for 7 jobs, not 8
    const acme = await h.tenant({ monthlyCredits: limit });
    const res = await Promise.all(Array.from({ length: 100 }, () => h.request("POST", "/v1/jobs", { key: acme.key, json: BODY })));
    const statuses = res.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(7);
    expect(statuses.filter((s) => s === 402)).toHaveLength(93);
    for (const r of res) await r.body?.cancel();
    const balance = await creditBalance(h.db, acme.tenantId);
    expect(balance.reserved + balance.spent).toBe(7 * COST);
    expect(balance.reserved + balance.spent).toBeLessThanOrEqual(limit);
    expect(await h.db.$count(jobs, eq(jobs.tenantId, acme.tenantId))).toBe(7);
  });

  it("settles on completion: unused budget comes back and can be spent again", async () => {
    const acme = await h.tenant({ monthlyCredits: COST });
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 201);
    await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 402, "credits_exhausted");
    // Other tests' jobs are queued too: hand this one to the worker directly, as a claim would.
    await h.db.update(jobs).set({ status: "running", leaseOwner: "w", leaseExpiresAt: new Date(Date.now() + 60_000) }).where(eq(jobs.id, job.id));
    const usage = { model: "m", strategy: "greedy", promptTokens: 10, generatedTokens: 5, verifierTokens: 0, flops: 1 };
    await completeJob(h.db, { jobId: job.id, workerId: "w", result: { answer: "4", chosen: 0 }, candidates: [], usage });
    expect(await creditBalance(h.db, acme.tenantId)).toMatchObject({ reserved: 0, spent: 15 });
    expect((await h.job(job.id))?.chargedCredits).toBe(15);
    // COST - 15 left: not enough for another whole budget.
    await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 402, "credits_exhausted");
  });

  it("a job canceled while queued gives its whole reservation back", async () => {
    const acme = await h.tenant({ monthlyCredits: COST });
    const job = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
    expect(await creditBalance(h.db, acme.tenantId)).toMatchObject({ reserved: 0, spent: 0 });
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: BODY }), 201);
  });
});
