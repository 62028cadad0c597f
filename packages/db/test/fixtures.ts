// Shared test fixtures: the driver matrix, a per-test database, and small builders for tenants, jobs and outputs.
import { sql, type SQL } from "drizzle-orm";
import { afterEach, beforeEach } from "vitest";
import { createTenant, enqueueJob, type CandidateInput, type Database, type UsageInput } from "../src/index.js";
import { createTestDatabase, type TestDatabase, type TestDriver } from "../src/testing.js";

/** Every suite runs on both; Neon gets its own subset in neon.test.ts (it needs websockify). */
export const DRIVERS: TestDriver[] = ["pglite", "pg"];

/** A fresh migrated database for each test case; read `.current` inside tests. */
export function useTestDatabase(driver: TestDriver): { current: TestDatabase } {
  const ref = {} as { current: TestDatabase };
  beforeEach(async () => {
    ref.current = await createTestDatabase(driver);
  });
  afterEach(async () => {
    await ref.current?.dispose();
  });
  return ref;
}

export const PARAMS = { n: 2, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64 };

export async function seedJobs(db: Database, count: number, tenantId?: string) {
  const tenant = tenantId ?? (await createTenant(db, "acme")).id;
  const base = Date.now() - 60_000;
  const jobs = [];
  for (let i = 0; i < count; i++) {
    jobs.push(
      await enqueueJob(db, {
        tenantId: tenant,
        question: `What is ${i} + 1?`,
        strategy: "best_of_n",
        params: PARAMS,
        createdAt: new Date(base + i * 1000),
      }),
    );
  }
  return { tenantId: tenant, jobs };
}

/** Makes a job's lease look expired, as if its worker died a second ago. */
export async function expireLease(db: Database, jobId: string): Promise<void> {
  await db.execute(sql`UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = ${jobId}`);
}

export function makeCandidates(count: number): CandidateInput[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    text: `The answer is ${index}.`,
    answer: String(index),
    tokens: 10 + index,
    logprob: -1.5 * (index + 1),
    score: index === 0 ? 0.9 : 0.1,
    finishReason: "stop",
    chosen: index === 0,
  }));
}

export const USAGE: UsageInput = {
  model: "tiny-math",
  strategy: "best_of_n",
  promptTokens: 12,
  generatedTokens: 42,
  verifierTokens: 30,
  flops: 1.5e9,
};

/** Rows of a raw query: every driver's execute() result has `.rows`, though Database's type can't say so. */
export async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as { rows: T[] }).rows;
}

export async function countRows(db: Database, table: "candidates" | "usage_events", jobId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE job_id = ${jobId}`,
  );
  return Number(row!.n);
}
