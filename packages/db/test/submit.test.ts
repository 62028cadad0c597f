// submitJob's Idempotency-Key semantics (per tenant, same request → same job, other request → mismatch) and rate limits.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createTenant, creditBalance, hitRateLimit, jobs, rateLimitWindows, submitJob, type Database } from "../src/index.js";
import { DRIVERS, PARAMS, useTestDatabase } from "./fixtures.js";

const submit = (db: Database, tenantId: string, key: string, requestHash: string, credits = 10) =>
  submitJob(db, { tenantId, question: "1+1?", strategy: "best_of_n", params: PARAMS, credits, idempotency: { key, requestHash } });

describe.each(DRIVERS)("idempotent submit (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("same key and request replays the job; another request is a mismatch; credits are reserved once", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const first = await submit(db, tenant.id, "k1", "h1");
    if (first.kind !== "created") throw new Error(first.kind);
    expect(await submit(db, tenant.id, "k1", "h1")).toEqual({ kind: "replayed", job: first.job });
    expect(await submit(db, tenant.id, "k1", "h2")).toEqual({ kind: "idempotency_mismatch" });
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 10 });
    expect(await db.$count(jobs)).toBe(1);
  });

  it("keys are scoped per tenant", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const b = await createTenant(db, "b");
    const ja = await submit(db, a.id, "same", "h");
    const jb = await submit(db, b.id, "same", "h");
    expect(ja.kind).toBe("created");
    expect(jb.kind).toBe("created");
    if (ja.kind === "created" && jb.kind === "created") expect(ja.job.id).not.toBe(jb.job.id);
  });

  it("concurrent requests with one key make one job", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const outs = await Promise.all(Array.from({ length: 10 }, () => submit(db, tenant.id, "race", "h")));
    expect(outs.filter((o) => o.kind === "created")).toHaveLength(1);
    expect(new Set(outs.map((o) => (o.kind === "created" || o.kind === "replayed" ? o.job.id : o.kind))).size).toBe(1);
    expect(await db.$count(jobs)).toBe(1);
  });

  it("a submit refused for credits leaves the key free", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { monthlyCredits: 5 });
    expect((await submit(db, tenant.id, "k", "h", 10)).kind).toBe("insufficient_credits");
    expect((await submit(db, tenant.id, "k", "h", 5)).kind).toBe("created");
  });
});

describe.each(DRIVERS)("rate limit (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("allows `limit` requests per minute window, then refuses until the next window", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const now = new Date("2026-01-01T00:00:45.200Z");
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await hitRateLimit(db, tenant.id, 3, now));
    expect(states.map((s) => s.allowed)).toEqual([true, true, true, false]);
    expect(states.map((s) => s.remaining)).toEqual([2, 1, 0, 0]);
    expect(states[3]).toMatchObject({ limit: 3, resetSeconds: 15 });
    const next = await hitRateLimit(db, tenant.id, 3, new Date("2026-01-01T00:01:00.000Z"));
    expect(next).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 60 });
    // The old window is gone.
    expect(await db.$count(rateLimitWindows, eq(rateLimitWindows.tenantId, tenant.id))).toBe(1);
  });

  it("counts concurrent requests exactly", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const now = new Date();
    const states = await Promise.all(Array.from({ length: 30 }, () => hitRateLimit(db, tenant.id, 10, now)));
    expect(states.filter((s) => s.allowed)).toHaveLength(10);
  });
});
