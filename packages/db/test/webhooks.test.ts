// The webhook outbox: each terminal job transition writes its event once per subscribed endpoint, in its transaction.
import { WebhookEvent } from "@thinktime/core/api/webhooks";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  claimNextJob, completeJob, createTenant, createWebhookEndpoint, failExhaustedJobs, failJob, finishCanceled, jobs,
  requestCancel, webhookDeliveries, webhookEndpoints, writeJobEvent, type Database,
} from "../src/index.js";
import { DRIVERS, expireLease, makeCandidates, seedJobs, USAGE, useTestDatabase } from "./fixtures.js";

const LEASE = 30_000;
const RESULT = { answer: "0", chosen: 0, votes: { "0": 0.9 } };
const ALL = ["job.succeeded", "job.failed", "job.canceled"];

const outbox = (db: Database) => db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);

/** A tenant with a queued job and an endpoint for `events`; the job is claimed by w1 unless `claim` is false. */
async function setup(db: Database, events = ALL, claim = true) {
  const { tenantId, jobs: [job] } = await seedJobs(db, 1);
  const { row: endpoint } = await createWebhookEndpoint(db, tenantId, { url: "https://example.com/hooks", events });
  if (claim) await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
  return { tenantId, jobId: job!.id, endpoint };
}

describe.each(DRIVERS)("webhook outbox (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("a completed job writes one job.succeeded row per subscribed endpoint; a refused second completion writes none", async () => {
    const { db } = t.current;
    const { tenantId, jobId, endpoint } = await setup(db);
    const { row: second } = await createWebhookEndpoint(db, tenantId, { url: "https://example.com/2", events: ["job.succeeded"] });
    await createWebhookEndpoint(db, tenantId, { url: "https://example.com/failures", events: ["job.failed"] });
    const { row: off } = await createWebhookEndpoint(db, tenantId, { url: "https://example.com/off", events: ALL });
    await db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, off.id));
    const rival = await createTenant(db, "rival");
    await createWebhookEndpoint(db, rival.id, { url: "https://example.com/rival", events: ALL });

    const args = { jobId, workerId: "w1", result: RESULT, candidates: makeCandidates(2), usage: USAGE };
    expect(await completeJob(db, args)).toBe(true);
    const rows = await outbox(db);
    expect(rows.map((r) => r.endpointId).sort()).toEqual([endpoint.id, second.id].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ tenantId, eventType: "job.succeeded", status: "pending", attempts: 0, eventKey: `${jobId}:job.succeeded` });
      expect(r.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    // One event, the same id for every endpoint; its payload is the public event shape.
    expect(rows[0]!.eventId).toBe(rows[1]!.eventId);
    const event = WebhookEvent.parse(rows[0]!.payload);
    expect(event).toMatchObject({ id: rows[0]!.eventId, type: "job.succeeded", data: { id: jobId, status: "succeeded", result: RESULT, error: null } });

    expect(await completeJob(db, args)).toBe(false);
    expect(await failJob(db, { jobId, workerId: "w1", code: "x", message: "y" })).toBe(false);
    expect(await outbox(db)).toHaveLength(2);
  });

  it("exactly one of several racing completions writes the event", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db);
    const args = { jobId, workerId: "w1", result: RESULT, candidates: makeCandidates(2), usage: USAGE };
    const wins = await Promise.all(Array.from({ length: 5 }, () => completeJob(db, args)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await outbox(db)).toHaveLength(1);
  });

  it("failJob writes job.failed with the error", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db);
    expect(await failJob(db, { jobId, workerId: "w1", code: "engine", message: "boom" })).toBe(true);
    const [row] = await outbox(db);
    expect(row).toMatchObject({ eventType: "job.failed", payload: { type: "job.failed", data: { status: "failed", error: { code: "engine", message: "boom" } } } });
  });

  it("a running job's cancel writes job.canceled when the worker finishes it", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db);
    expect(await finishCanceled(db, { jobId, workerId: "w1", usage: USAGE })).toBe(false); // not asked yet
    expect(await outbox(db)).toHaveLength(0);
    expect(await requestCancel(db, jobId)).toBe("running");
    expect(await outbox(db)).toHaveLength(0);
    expect(await finishCanceled(db, { jobId, workerId: "w1", usage: USAGE })).toBe(true);
    expect((await outbox(db)).map((r) => r.eventType)).toEqual(["job.canceled"]);
  });

  it("a queued job canceled at once writes job.canceled once", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db, ALL, false);
    expect(await requestCancel(db, jobId)).toBe("canceled");
    expect(await requestCancel(db, jobId)).toBe("canceled");
    expect((await outbox(db)).map((r) => r.eventType)).toEqual(["job.canceled"]);
  });

  it("a job failed for exhausted leases writes job.failed once", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db);
    await db.update(jobs).set({ attempts: 3 }).where(eq(jobs.id, jobId));
    await expireLease(db, jobId);
    expect(await failExhaustedJobs(db, { maxAttempts: 3 })).toEqual([jobId]);
    expect(await failExhaustedJobs(db, { maxAttempts: 3 })).toEqual([]);
    const rows = await outbox(db);
    expect(rows.map((r) => r.eventType)).toEqual(["job.failed"]);
    expect(rows[0]!.payload).toMatchObject({ data: { error: { code: "lease_exhausted" } } });
  });

  it("writes nothing for unsubscribed events, and nothing twice for the same job and event", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db, ["job.failed"]);
    await completeJob(db, { jobId, workerId: "w1", result: RESULT, candidates: [], usage: USAGE });
    expect(await outbox(db)).toHaveLength(0);
    const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
    expect(await writeJobEvent(db, { ...job!, status: "failed" })).toBe(1);
    expect(await writeJobEvent(db, { ...job!, status: "failed" })).toBe(0);
    expect(await outbox(db)).toHaveLength(1);
  });

  it("a rolled-back transition leaves no event behind", async () => {
    const { db } = t.current;
    const { jobId } = await setup(db);
    await expect(
      db.transaction(async (tx) => {
        const [job] = await tx.update(jobs).set({ status: "succeeded" }).where(eq(jobs.id, jobId)).returning();
        expect(await writeJobEvent(tx, job!)).toBe(1);
        await tx.execute(sql`SELECT 1 / 0`);
      }),
    ).rejects.toThrow();
    expect(await outbox(db)).toHaveLength(0);
  });
});
