// submitJobs: a batch is queued whole or not at all, its summed credits reserved in one step that never overspends.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTenant, creditBalance, jobs, submitJobs, type NewJob } from "../src/index.js";
import { DRIVERS, PARAMS, useTestDatabase } from "./fixtures.js";

const job = (i: number, credits = 10): NewJob => ({ question: `${i}+1?`, strategy: "best_of_n", params: PARAMS, credits });

describe.each(DRIVERS)("submitJobs (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("queues every job in input order and reserves their summed credits", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 100 });
    const out = await submitJobs(db, tenant.id, [job(0, 10), job(1, 20), job(2, 30)]);
    if (out.kind !== "created") throw new Error(out.kind);
    expect(out.jobs.map((j) => j.question)).toEqual(["0+1?", "1+1?", "2+1?"]);
    expect(out.jobs.map((j) => j.reservedCredits)).toEqual([10, 20, 30]);
    for (const j of out.jobs) expect(j).toMatchObject({ tenantId: tenant.id, status: "queued", creditPeriod: expect.any(String) });
    expect(new Set(out.jobs.map((j) => j.id)).size).toBe(3);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 60, spent: 0 });
    expect(await db.$count(jobs, eq(jobs.tenantId, tenant.id))).toBe(3);
  });

  it("creates nothing and reserves nothing when the whole batch does not fit the credits left", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 50 });
    const out = await submitJobs(db, tenant.id, [job(0, 20), job(1, 20), job(2, 20)]);
    expect(out).toMatchObject({ kind: "insufficient_credits", needed: 60, balance: { limit: 50, reserved: 0 } });
    expect(await db.$count(jobs)).toBe(0);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 0 });
    // What does fit still goes through.
    expect((await submitJobs(db, tenant.id, [job(0, 20), job(1, 30)])).kind).toBe("created");
  });

  it("an empty batch is a no-op", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    expect(await submitJobs(db, tenant.id, [])).toEqual({ kind: "created", jobs: [] });
    expect(await db.$count(jobs)).toBe(0);
  });

  it("concurrent batches never overspend: each lands whole or not at all", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 100 });
    const outs = await Promise.all(Array.from({ length: 8 }, () => submitJobs(db, tenant.id, [job(0, 15), job(1, 15)])));
    const created = outs.filter((o) => o.kind === "created");
    expect(created).toHaveLength(3);
    expect(await db.$count(jobs, eq(jobs.tenantId, tenant.id))).toBe(6);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 90 });
  });
});
