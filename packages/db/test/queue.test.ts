// The Postgres job queue: claim order, concurrent claims, lease expiry, and at-most-once terminal writes.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  claimNextJob, completeJob, extendLease, failExhaustedJobs, failJob, finishCanceled, jobs, requestCancel, usageEvents,
  type Database, type Job,
} from "../src/index.js";
import { countRows, DRIVERS, expireLease, makeCandidates, seedJobs, USAGE, useTestDatabase } from "./fixtures.js";

const LEASE = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const getJob = async (db: Database, id: string) => (await db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
const RESULT = { answer: "0", chosen: 0, votes: { "0": 0.9 } };

describe.each(DRIVERS)("queue (%s)", (driver) => {
  const t = useTestDatabase(driver);

  describe("claimNextJob", () => {
    it("claims the oldest queued job first and leases it", async () => {
      const { db } = t.current;
      expect(await claimNextJob(db, { workerId: "w1", leaseMs: LEASE })).toBeNull();
      const { jobs: seeded } = await seedJobs(db, 3);
      const before = Date.now();
      const claimed: Job[] = [];
      for (let i = 0; i < 3; i++) claimed.push((await claimNextJob(db, { workerId: "w1", leaseMs: LEASE }))!);
      expect(claimed.map((j) => j.id)).toEqual(seeded.map((j) => j.id));
      const [first] = claimed;
      expect(first).toMatchObject({ status: "running", leaseOwner: "w1", attempts: 1, cancelRequested: false });
      expect(first!.startedAt).toBeInstanceOf(Date);
      expect(first!.leaseExpiresAt!.getTime()).toBeGreaterThan(before + LEASE - 5_000);
      expect(first!.params).toMatchObject({ n: 2, seed: 7 });
      expect(await claimNextJob(db, { workerId: "w2", leaseMs: LEASE })).toBeNull();
    });

    it("never hands the same job to two of several concurrent workers", async () => {
      const { db } = t.current;
      const { jobs: seeded } = await seedJobs(db, 20);
      const worker = async (workerId: string) => {
        const mine: string[] = [];
        for (;;) {
          const job = await claimNextJob(db, { workerId, leaseMs: LEASE });
          if (!job) break;
          mine.push(job.id);
        }
        return mine;
      };
      const perWorker = await Promise.all(["w1", "w2", "w3", "w4", "w5"].map(worker));
      const all = perWorker.flat();
      expect(all).toHaveLength(20);
      expect(new Set(all).size).toBe(20);
      expect(new Set(all)).toEqual(new Set(seeded.map((j) => j.id)));
      for (const [i, ids] of perWorker.entries()) {
        for (const id of ids) expect((await getJob(db, id)).leaseOwner).toBe(`w${i + 1}`);
      }
    });

    it("gives one job to exactly one of many simultaneous single claims", async () => {
      const { db } = t.current;
      await seedJobs(db, 3);
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claimNextJob(db, { workerId: `w${i}`, leaseMs: LEASE })),
      );
      const won = claims.filter((j): j is Job => j !== null);
      expect(won).toHaveLength(3);
      expect(new Set(won.map((j) => j.id)).size).toBe(3);
    });

    it("reclaims a job whose lease expired and counts the attempt", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      const first = (await claimNextJob(db, { workerId: "w1", leaseMs: LEASE }))!;
      expect(await claimNextJob(db, { workerId: "w2", leaseMs: LEASE })).toBeNull();
      await expireLease(db, job!.id);
      const second = (await claimNextJob(db, { workerId: "w2", leaseMs: LEASE }))!;
      expect(second).toMatchObject({ id: job!.id, status: "running", leaseOwner: "w2", attempts: 2 });
      expect(second.startedAt).toEqual(first.startedAt);
      expect(await extendLease(db, job!.id, "w1", LEASE)).toEqual({ owned: false, cancelRequested: false });
    });

    it("reclaims after a real (short) lease runs out", async () => {
      const { db } = t.current;
      await seedJobs(db, 1);
      await claimNextJob(db, { workerId: "w1", leaseMs: 200 });
      expect(await claimNextJob(db, { workerId: "w2", leaseMs: LEASE })).toBeNull();
      await sleep(400);
      expect(await claimNextJob(db, { workerId: "w2", leaseMs: LEASE })).toMatchObject({ leaseOwner: "w2", attempts: 2 });
    });

    it("fails a job whose lease expired with no attempts left, and moves on", async () => {
      const { db } = t.current;
      const { tenantId, jobs: [doomed] } = await seedJobs(db, 1);
      for (const w of ["w1", "w2"]) {
        expect(await claimNextJob(db, { workerId: w, leaseMs: LEASE, maxAttempts: 2 })).toMatchObject({ id: doomed!.id });
        await expireLease(db, doomed!.id);
      }
      const { jobs: [next] } = await seedJobs(db, 1, tenantId);
      expect(await claimNextJob(db, { workerId: "w3", leaseMs: LEASE, maxAttempts: 2 })).toMatchObject({ id: next!.id });
      const failed = await getJob(db, doomed!.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 2, leaseOwner: null, leaseExpiresAt: null });
      expect(failed.error).toMatchObject({ code: "lease_exhausted" });
      expect(failed.finishedAt).toBeInstanceOf(Date);
      expect(await completeJob(db, { jobId: doomed!.id, workerId: "w2", result: RESULT, candidates: [], usage: USAGE }))
        .toBe(false);
    });

    it("failExhaustedJobs fails only expired leases at the attempt limit", async () => {
      const { db } = t.current;
      const { jobs: [a, b] } = await seedJobs(db, 2);
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      await expireLease(db, a!.id);
      expect(await failExhaustedJobs(db, { maxAttempts: 2 })).toEqual([]);
      expect(await failExhaustedJobs(db, { maxAttempts: 1 })).toEqual([a!.id]);
      expect((await getJob(db, b!.id)).status).toBe("running");
    });
  });

  describe("extendLease", () => {
    it("pushes the lease forward only for its owner", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      const claimed = (await claimNextJob(db, { workerId: "w1", leaseMs: 1_000 }))!;
      expect(await extendLease(db, job!.id, "w1", 120_000)).toEqual({ owned: true, cancelRequested: false });
      const extended = await getJob(db, job!.id);
      expect(extended.leaseExpiresAt!.getTime()).toBeGreaterThan(claimed.leaseExpiresAt!.getTime() + 100_000);
      expect(await extendLease(db, job!.id, "w2", 120_000)).toEqual({ owned: false, cancelRequested: false });
    });
  });

  describe("completeJob", () => {
    it("succeeds once for the owner; a second completion writes nothing", async () => {
      const { db } = t.current;
      const { tenantId, jobs: [job] } = await seedJobs(db, 1);
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      const args = { jobId: job!.id, workerId: "w1", result: RESULT, candidates: makeCandidates(3), usage: USAGE };
      expect(await completeJob(db, args)).toBe(true);
      expect(await completeJob(db, { ...args, candidates: makeCandidates(5) })).toBe(false);

      const done = await getJob(db, job!.id);
      expect(done).toMatchObject({ status: "succeeded", result: RESULT, leaseOwner: null, leaseExpiresAt: null });
      expect(done.finishedAt).toBeInstanceOf(Date);
      expect(await countRows(db, "candidates", job!.id)).toBe(3);
      expect(await countRows(db, "usage_events", job!.id)).toBe(1);
      const [usage] = await db.select().from(usageEvents).where(eq(usageEvents.jobId, job!.id));
      expect(usage).toMatchObject({ ...USAGE, tenantId, idempotencyKey: `${job!.id}:complete` });
      expect(await extendLease(db, job!.id, "w1", LEASE)).toEqual({ owned: false, cancelRequested: false });
    });

    it("a worker whose lease was stolen loses, before and after the new owner completes", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      await claimNextJob(db, { workerId: "stale", leaseMs: LEASE });
      await expireLease(db, job!.id);
      await claimNextJob(db, { workerId: "fresh", leaseMs: LEASE });
      const by = (workerId: string, n: number) =>
        completeJob(db, { jobId: job!.id, workerId, result: RESULT, candidates: makeCandidates(n), usage: USAGE });

      expect(await by("stale", 4)).toBe(false);
      expect(await countRows(db, "candidates", job!.id)).toBe(0);
      expect(await countRows(db, "usage_events", job!.id)).toBe(0);
      expect(await by("fresh", 2)).toBe(true);
      expect(await by("stale", 4)).toBe(false);
      expect(await countRows(db, "candidates", job!.id)).toBe(2);
      expect(await countRows(db, "usage_events", job!.id)).toBe(1);
    });

    it("exactly one of several racing completions wins", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      await claimNextJob(db, { workerId: "stale", leaseMs: LEASE });
      await expireLease(db, job!.id);
      await claimNextJob(db, { workerId: "owner", leaseMs: LEASE });
      const outcomes = await Promise.all(
        ["owner", "owner", "stale", "owner"].map((workerId) =>
          completeJob(db, { jobId: job!.id, workerId, result: RESULT, candidates: makeCandidates(3), usage: USAGE }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(outcomes[2]).toBe(false);
      expect(await countRows(db, "candidates", job!.id)).toBe(3);
      expect(await countRows(db, "usage_events", job!.id)).toBe(1);
    });
  });

  describe("failJob", () => {
    it("fails a job once for its owner and bills optional usage", async () => {
      const { db } = t.current;
      const { jobs: [job, other] } = await seedJobs(db, 2);
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      expect(await failJob(db, { jobId: job!.id, workerId: "w2", code: "x", message: "not mine" })).toBe(false);
      expect(await failJob(db, { jobId: job!.id, workerId: "w1", code: "model_error", message: "boom", usage: USAGE }))
        .toBe(true);
      expect(await failJob(db, { jobId: job!.id, workerId: "w1", code: "again", message: "again", usage: USAGE }))
        .toBe(false);
      expect(await getJob(db, job!.id)).toMatchObject({
        status: "failed", error: { code: "model_error", message: "boom" }, leaseOwner: null,
      });
      expect(await countRows(db, "usage_events", job!.id)).toBe(1);
      expect(await failJob(db, { jobId: other!.id, workerId: "w1", code: "oom", message: "no usage" })).toBe(true);
      expect(await countRows(db, "usage_events", other!.id)).toBe(0);
    });
  });

  describe("cancel", () => {
    it("cancels a queued job at once; it is never claimed", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      expect(await requestCancel(db, job!.id)).toBe("canceled");
      expect(await claimNextJob(db, { workerId: "w1", leaseMs: LEASE })).toBeNull();
      expect((await getJob(db, job!.id)).finishedAt).toBeInstanceOf(Date);
      expect(await requestCancel(db, "job_missing")).toBeNull();
    });

    it("a running job asked to cancel ends canceled, billed once for what it spent", async () => {
      const { db } = t.current;
      const { jobs: [job] } = await seedJobs(db, 1);
      await claimNextJob(db, { workerId: "w1", leaseMs: LEASE });
      const args = { jobId: job!.id, workerId: "w1", candidates: makeCandidates(1), usage: USAGE };
      expect(await finishCanceled(db, args)).toBe(false); // nobody asked yet

      expect(await requestCancel(db, job!.id)).toBe("running");
      expect(await extendLease(db, job!.id, "w1", LEASE)).toEqual({ owned: true, cancelRequested: true });
      expect(await finishCanceled(db, { ...args, workerId: "w2" })).toBe(false);
      expect(await finishCanceled(db, args)).toBe(true);
      expect(await finishCanceled(db, args)).toBe(false);
      expect(await completeJob(db, { ...args, result: RESULT, candidates: makeCandidates(3) })).toBe(false);

      expect(await getJob(db, job!.id)).toMatchObject({ status: "canceled", cancelRequested: true, leaseOwner: null });
      expect(await countRows(db, "candidates", job!.id)).toBe(1);
      expect(await countRows(db, "usage_events", job!.id)).toBe(1);
      const [usage] = await db.select().from(usageEvents).where(eq(usageEvents.jobId, job!.id));
      expect(usage!.idempotencyKey).toBe(`${job!.id}:canceled`);
      expect(await requestCancel(db, job!.id)).toBe("canceled");
    });
  });
});
