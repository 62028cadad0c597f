// Credits: atomic reservation under concurrency, settlement capped at the budget, release on cancel and failure.
import { creditPeriod } from "@thinktime/core/api/credits";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  claimNextJob, completeJob, createTenant, creditBalance, failExhaustedJobs, finishCanceled, jobs, requestCancel,
  reserveCredits, submitJob, type Database,
} from "../src/index.js";
import { DRIVERS, expireLease, makeCandidates, PARAMS, USAGE, useTestDatabase } from "./fixtures.js";

const RESULT = { answer: "0", chosen: 0 };
const submit = (db: Database, tenantId: string, credits: number) =>
  submitJob(db, { tenantId, question: "1+1?", strategy: "best_of_n", params: PARAMS, credits });

describe.each(DRIVERS)("credits (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("reserves within the monthly limit and refuses beyond it", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 100 });
    expect(await reserveCredits(db, tenant.id, 60)).toEqual({ ok: true });
    const refused = await reserveCredits(db, tenant.id, 41);
    expect(refused).toMatchObject({ ok: false, balance: { limit: 100, reserved: 60, spent: 0 } });
    expect(await reserveCredits(db, tenant.id, 40)).toEqual({ ok: true });
    expect(await creditBalance(db, tenant.id)).toMatchObject({ period: creditPeriod(), limit: 100, reserved: 100 });
  });

  it("unlimited tenants still have their reservations counted", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    expect(await reserveCredits(db, tenant.id, 1e12)).toEqual({ ok: true });
    expect(await creditBalance(db, tenant.id)).toMatchObject({ limit: null, reserved: 1e12 });
  });

  it("100 concurrent submits against the last credits never overspend", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 1000 });
    const outcomes = await Promise.all(Array.from({ length: 100 }, () => submit(db, tenant.id, 70)));
    const created = outcomes.filter((o) => o.kind === "created");
    expect(created).toHaveLength(14);
    expect(outcomes.filter((o) => o.kind === "insufficient_credits")).toHaveLength(86);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 980, spent: 0 });
    expect(await db.$count(jobs, eq(jobs.tenantId, tenant.id))).toBe(14);
  });

  it("settles a completed job at its usage, releasing the rest of its reservation", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 10_000 });
    const out = await submit(db, tenant.id, 1000);
    if (out.kind !== "created") throw new Error(out.kind);
    await claimNextJob(db, { workerId: "w", leaseMs: 30_000 });
    await completeJob(db, { jobId: out.job.id, workerId: "w", result: RESULT, candidates: makeCandidates(2), usage: USAGE });
    const cost = USAGE.promptTokens + USAGE.generatedTokens + USAGE.verifierTokens;
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 0, spent: cost });
    expect((await db.select().from(jobs).where(eq(jobs.id, out.job.id)))[0]).toMatchObject({ chargedCredits: cost, reservedCredits: 1000 });
  });

  it("never charges a job more than its budget", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const out = await submit(db, tenant.id, 10);
    if (out.kind !== "created") throw new Error(out.kind);
    await claimNextJob(db, { workerId: "w", leaseMs: 30_000 });
    await requestCancel(db, out.job.id);
    await finishCanceled(db, { jobId: out.job.id, workerId: "w", usage: USAGE });
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 0, spent: 10 });
  });

  it("releases the whole reservation of a job canceled while queued", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 100 });
    const out = await submit(db, tenant.id, 100);
    if (out.kind !== "created") throw new Error(out.kind);
    expect((await submit(db, tenant.id, 1)).kind).toBe("insufficient_credits");
    await requestCancel(db, out.job.id);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 0, spent: 0 });
    expect((await submit(db, tenant.id, 100)).kind).toBe("created");
  });

  it("settles jobs failed for exhausted leases", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const out = await submit(db, tenant.id, 50);
    if (out.kind !== "created") throw new Error(out.kind);
    await claimNextJob(db, { workerId: "w", leaseMs: 30_000, maxAttempts: 1 });
    await expireLease(db, out.job.id);
    expect(await failExhaustedJobs(db, { maxAttempts: 1 })).toEqual([out.job.id]);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 0, spent: 0 });
  });
});
