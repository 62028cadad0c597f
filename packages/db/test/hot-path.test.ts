// The coalesced hot path: batched key lookups, rate-limit hits and group-committed submits give each request what
// the one-by-one path gives, and never overspend credits, whatever mix of concurrent submits.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  coalescedHotPath, createApiKey, createTenant, creditBalance, findActiveKeysWithTenant, hitRateLimit, hitRateLimits, jobs,
  rateLimitWindows, Rejected, revokeKey, submitJob, submitJobsGrouped,
} from "../src/index.js";
import { DRIVERS, PARAMS, useTestDatabase } from "./fixtures.js";

const job = (tenantId: string, credits: number) => ({ tenantId, question: "1+1?", strategy: "best_of_n", params: PARAMS, credits });

describe.each(DRIVERS)("hot path (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("admits grouped submits in arrival order within each tenant's limit, as one-by-one submits would", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a", { monthlyCredits: 100 });
    const b = await createTenant(db, "b", { monthlyCredits: 50 });
    const out = await submitJobsGrouped(db, [job(a.id, 60), job(b.id, 30), job(a.id, 50), job(b.id, 30), job(a.id, 40)]);
    expect(out.map((o) => (o instanceof Rejected ? "rejected" : o.kind))).toEqual([
      "created", "created", "insufficient_credits", "insufficient_credits", "created",
    ]);
    expect(out[2]).toMatchObject({ needed: 50, balance: { tenantId: a.id, limit: 100, reserved: 60, spent: 0 } });
    expect(await creditBalance(db, a.id)).toMatchObject({ reserved: 100 });
    expect(await creditBalance(db, b.id)).toMatchObject({ reserved: 30 });
    const created = out.filter((o) => !(o instanceof Rejected) && o.kind === "created") as { job: { tenantId: string; reservedCredits: number } }[];
    expect(created.map((o) => [o.job.tenantId, o.job.reservedCredits])).toEqual([[a.id, 60], [b.id, 30], [a.id, 40]]);
    expect(await db.$count(jobs)).toBe(3);
  });

  it("stores each job as the submit returned it, with a ledger row made or found per tenant", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a", { monthlyCredits: 100 });
    await submitJobsGrouped(db, [job(a.id, 10)]); // a's ledger row exists from here on; b's does not yet
    const b = await createTenant(db, "b");
    const params = { ...PARAMS, note: "quotes \" and \\ and ünïcode", nested: { k: [1, 2.5, null] } };
    const out = await submitJobsGrouped(db, [
      { ...job(b.id, 7), question: "What's 2+2?\nShow \"work\".", params },
      job(a.id, 20),
      job(a.id, 80), // over a's limit: 10 + 20 + 80 > 100
    ]);
    expect(out.map((o) => (o instanceof Rejected ? "rejected" : o.kind))).toEqual(["created", "created", "insufficient_credits"]);
    for (const o of out.slice(0, 2)) {
      const { job: returned } = o as { job: typeof jobs.$inferSelect };
      const [stored] = await db.select().from(jobs).where(eq(jobs.id, returned.id));
      expect(stored).toEqual(returned); // every column: defaults, jsonb params, the millisecond timestamp
    }
    expect(await creditBalance(db, a.id)).toMatchObject({ reserved: 30 });
    expect(await creditBalance(db, b.id)).toMatchObject({ reserved: 7 });
  });

  it("stores a lone surrogate in a question or a param as U+FFFD, as a text parameter would, and keeps pairs", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const question = "x\ud800y \udc00 🤔";
    const params = { ...PARAMS, note: "\udbff" };
    const [out] = await submitJobsGrouped(db, [{ ...job(a.id, 1), question, params }]);
    const [stored] = await db.select().from(jobs).where(eq(jobs.id, (out as { job: { id: string } }).job.id));
    expect(stored!.question).toBe("x\ufffdy \ufffd 🤔");
    expect(stored!.params).toMatchObject({ note: "\ufffd" });
  });

  it("a submit that fails alone fails alone; the rest of its group is queued", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const out = await submitJobsGrouped(db, [job(a.id, 10), job("ten_missing", 10), job(a.id, 20)]);
    expect(out[1]).toBeInstanceOf(Rejected);
    expect([out[0], out[2]].map((o) => (o as { kind: string }).kind)).toEqual(["created", "created"]);
    expect(await creditBalance(db, a.id)).toMatchObject({ reserved: 30 });
  });

  it("100 concurrent submits, coalesced and one-by-one mixed, against the last credits never overspend", async () => {
    const { db } = t.current;
    const hot = coalescedHotPath(db, { maxBatch: 16 });
    const tenant = await createTenant(db, "acme", { monthlyCredits: 1000 });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? submitJob(db, job(tenant.id, 70)) : hot.submit(job(tenant.id, 70)))),
    );
    expect(outcomes.filter((o) => o.kind === "created")).toHaveLength(14);
    expect(outcomes.filter((o) => o.kind === "insufficient_credits")).toHaveLength(86);
    expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 980 });
    expect(await db.$count(jobs, eq(jobs.tenantId, tenant.id))).toBe(14);
  });

  it("batched rate-limit hits count each request in order, per tenant, as single hits would", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const b = await createTenant(db, "b");
    const now = new Date("2026-11-30T12:00:10Z");
    const states = await hitRateLimits(db, [a, a, b, a, a].map((x) => ({ tenantId: x.id, limit: 3 })), now);
    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([[true, 2], [true, 1], [true, 2], [true, 0], [false, 0]]);
    expect(states[0]!.resetSeconds).toBe(50);
    expect(await hitRateLimit(db, a.id, 3, now)).toMatchObject({ allowed: false, remaining: 0 });
    expect(await hitRateLimit(db, b.id, 3, now)).toMatchObject({ allowed: true, remaining: 1 });
    // The first batch of a new window clears the tenant's old windows.
    await hitRateLimits(db, [{ tenantId: a.id, limit: 3 }], new Date("2026-11-30T12:01:00Z"));
    expect(await db.$count(rateLimitWindows, eq(rateLimitWindows.tenantId, a.id))).toBe(1);
  });

  it("coalesced rate-limit hits allow exactly the limit among 50 concurrent requests", async () => {
    const { db } = t.current;
    const hot = coalescedHotPath(db, { maxBatch: 8 });
    const a = await createTenant(db, "a");
    const states = await Promise.all(Array.from({ length: 50 }, () => hot.hitRateLimit(a.id, 20)));
    expect(states.filter((s) => s.allowed)).toHaveLength(20);
    expect(new Set(states.filter((s) => s.allowed).map((s) => s.remaining)).size).toBe(20);
  });

  it("batched key lookups find each active key with its tenant and nothing for the rest", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const b = await createTenant(db, "b");
    const ka = await createApiKey(db, a.id);
    const kb = await createApiKey(db, b.id);
    const revoked = await createApiKey(db, a.id);
    await revokeKey(db, a.id, revoked.id);
    const expired = await createApiKey(db, b.id, { expiresAt: new Date(Date.now() - 1000) });
    const found = await findActiveKeysWithTenant(db, [ka.key, "tt_unknown", kb.key, revoked.key, "nope", expired.key, ka.key]);
    expect(found.map((f) => f?.tenant.id ?? null)).toEqual([a.id, null, b.id, null, null, null, a.id]);
    expect(found[2]?.key.id).toBe(kb.id);
  });

  it("coalesced lookups see a revocation made before them", async () => {
    const { db } = t.current;
    const hot = coalescedHotPath(db);
    const a = await createTenant(db, "a");
    const k = await createApiKey(db, a.id);
    expect((await Promise.all([hot.findKey(k.key), hot.findKey(k.key)])).map((f) => f?.key.id)).toEqual([k.id, k.id]);
    await revokeKey(db, a.id, k.id);
    expect(await hot.findKey(k.key)).toBeNull();
  });
});
