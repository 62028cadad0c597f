// The Neon serverless driver against the local Postgres through websockify: migrations, keys and the queue.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../src/migrate.js";
import {
  claimNextJob, completeJob, createApiKey, createTenant, creditBalance, extendLease, findActiveKey, finishCanceled,
  requestCancel, submitJob,
} from "../src/index.js";
import { withTestDatabase } from "../src/testing.js";
import { startWebsockify, type WsProxy } from "../src/websockify.js";
import { countRows, expireLease, makeCandidates, PARAMS, rows, seedJobs, USAGE } from "./fixtures.js";

const LEASE = 30_000;
const RESULT = { answer: "0", chosen: 0 };

describe("neon driver via websockify", () => {
  let proxy: WsProxy;
  beforeAll(async () => {
    proxy = await startWebsockify();
  });
  afterAll(async () => {
    await proxy?.stop();
  });
  const onNeon = <T>(fn: Parameters<typeof withTestDatabase<T>>[1], empty = false) =>
    withTestDatabase("neon", fn, { wsProxy: proxy.address, empty });

  it("migrates an empty database", async () => {
    await onNeon(async (t) => {
      expect(t.driver).toBe("neon");
      await migrate(t);
      await migrate(t);
      const tables = await rows<{ n: number }>(
        t.db,
        sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(Number(tables[0]!.n)).toBe(14);
    }, true);
  });

  it("reserves credits atomically under concurrent submits", async () => {
    await onNeon(async ({ db }) => {
      const tenant = await createTenant(db, "acme", { monthlyCredits: 100 });
      const submit = () => submitJob(db, { tenantId: tenant.id, question: "1+1?", strategy: "greedy", params: PARAMS, credits: 30 });
      const outs = await Promise.all(Array.from({ length: 20 }, submit));
      expect(outs.filter((o) => o.kind === "created")).toHaveLength(3);
      expect(await creditBalance(db, tenant.id)).toMatchObject({ reserved: 90, spent: 0 });
    });
  });

  it("creates a tenant and a key and finds it", async () => {
    await onNeon(async ({ db }) => {
      const tenant = await createTenant(db, "acme");
      const { key, id } = await createApiKey(db, tenant.id);
      expect(await findActiveKey(db, key)).toMatchObject({ id, tenantId: tenant.id });
      expect((await findActiveKey(db, key))!.createdAt).toBeInstanceOf(Date);
    });
  });

  it("claims concurrently, completes once, and cancels", async () => {
    await onNeon(async ({ db }) => {
      const { jobs } = await seedJobs(db, 6);
      const claims = await Promise.all(
        ["w1", "w2", "w3"].map(async (workerId) => {
          const mine = [];
          for (;;) {
            const job = await claimNextJob(db, { workerId, leaseMs: LEASE });
            if (!job) break;
            mine.push(job);
          }
          return mine;
        }),
      );
      const claimed = claims.flat();
      expect(new Set(claimed.map((j) => j.id)).size).toBe(6);
      expect(claimed.every((j) => j.leaseExpiresAt instanceof Date && j.attempts === 1)).toBe(true);

      const [a, b] = jobs;
      const ownerOf = (id: string) => claimed.find((j) => j.id === id)!.leaseOwner!;
      await expireLease(db, a!.id);
      const stolen = (await claimNextJob(db, { workerId: "w9", leaseMs: LEASE }))!;
      expect(stolen).toMatchObject({ id: a!.id, attempts: 2 });
      const done = (workerId: string) =>
        completeJob(db, { jobId: a!.id, workerId, result: RESULT, candidates: makeCandidates(2), usage: USAGE });
      const [stale, ...owner] = await Promise.all([done(ownerOf(a!.id)), done("w9"), done("w9")]);
      expect(stale).toBe(false);
      expect(owner.filter(Boolean)).toHaveLength(1);
      expect(await countRows(db, "candidates", a!.id)).toBe(2);
      expect(await countRows(db, "usage_events", a!.id)).toBe(1);

      const worker = ownerOf(b!.id);
      expect(await requestCancel(db, b!.id)).toBe("running");
      expect(await extendLease(db, b!.id, worker, LEASE)).toEqual({ owned: true, cancelRequested: true });
      expect(await finishCanceled(db, { jobId: b!.id, workerId: worker, usage: USAGE })).toBe(true);
      expect(await finishCanceled(db, { jobId: b!.id, workerId: worker, usage: USAGE })).toBe(false);
      expect(await countRows(db, "usage_events", b!.id)).toBe(1);
    });
  });
});
