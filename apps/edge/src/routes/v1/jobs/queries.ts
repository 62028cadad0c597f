// Tenant-scoped job queries: every read and write takes the tenant id of the authenticated key.
import {
  candidates, jobs, settleJobCredits, usageEvents, writeJobEvent, type Candidate, type Database, type Job,
} from "@thinktime/db";
import type { JobUsage } from "@thinktime/core";
import { and, asc, desc, eq, inArray, lt, sql, sum } from "drizzle-orm";

/** The shape of ids newId("job") makes; anything else cannot exist and is not sent to the database. */
export const JOB_ID = /^job_[0-9a-z]{26}$/;

export async function findJob(db: Database, tenantId: string, id: string): Promise<Job | null> {
  if (!JOB_ID.test(id)) return null;
  const [row] = await db.select().from(jobs).where(and(eq(jobs.id, id), eq(jobs.tenantId, tenantId))).limit(1);
  return row ?? null;
}

export async function jobCandidates(db: Database, jobId: string): Promise<Candidate[]> {
  return db.select().from(candidates).where(eq(candidates.jobId, jobId)).orderBy(asc(candidates.index));
}

/** Usage per job, summed over its usage events; jobs without events are absent from the map. */
export async function usageByJob(db: Database, tenantId: string, jobIds: string[]): Promise<Map<string, JobUsage>> {
  const out = new Map<string, JobUsage>();
  if (jobIds.length === 0) return out;
  const rows = await db
    .select({
      jobId: usageEvents.jobId,
      prompt: sum(usageEvents.promptTokens).mapWith(Number),
      generated: sum(usageEvents.generatedTokens).mapWith(Number),
      verifier: sum(usageEvents.verifierTokens).mapWith(Number),
      flops: sum(usageEvents.flops).mapWith(Number),
    })
    .from(usageEvents)
    .where(and(eq(usageEvents.tenantId, tenantId), inArray(usageEvents.jobId, jobIds)))
    .groupBy(usageEvents.jobId);
  for (const r of rows) {
    if (!r.jobId) continue;
    out.set(r.jobId, { prompt_tokens: r.prompt, generated_tokens: r.generated, verifier_tokens: r.verifier, flops: r.flops });
  }
  return out;
}

/** One page, newest first: `limit + 1` rows are read to know whether another page follows. */
export async function listJobs(
  db: Database,
  tenantId: string,
  opts: { limit: number; before?: string },
): Promise<{ rows: Job[]; more: boolean }> {
  const where = opts.before
    ? and(eq(jobs.tenantId, tenantId), lt(jobs.id, opts.before))
    : eq(jobs.tenantId, tenantId);
  const rows = await db.select().from(jobs).where(where).orderBy(desc(jobs.id)).limit(opts.limit + 1);
  return { rows: rows.slice(0, opts.limit), more: rows.length > opts.limit };
}

export type CancelOutcome =
  | { kind: "canceled"; job: Job }
  | { kind: "cancel_requested"; job: Job }
  | { kind: "finished"; job: Job }
  | { kind: "not_found" };

/** Queued → canceled now (its credits released); running → flagged for the generator; each step a single conditional UPDATE (race-safe). */
export async function cancelJob(db: Database, tenantId: string, id: string): Promise<CancelOutcome> {
  if (!JOB_ID.test(id)) return { kind: "not_found" };
  const mine = and(eq(jobs.id, id), eq(jobs.tenantId, tenantId));
  const canceled = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobs)
      .set({ status: "canceled", finishedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null })
      .where(and(mine, eq(jobs.status, "queued")))
      .returning();
    // It never ran: its whole credit reservation goes back. Its job.canceled event commits with it.
    if (row) {
      await settleJobCredits(tx, row.id);
      await writeJobEvent(tx, row);
    }
    return row;
  });
  if (canceled) return { kind: "canceled", job: canceled };
  const [flagged] = await db
    .update(jobs)
    .set({ cancelRequested: true })
    .where(and(mine, eq(jobs.status, "running")))
    .returning();
  if (flagged) return { kind: "cancel_requested", job: flagged };
  const job = await findJob(db, tenantId, id);
  return job ? { kind: "finished", job } : { kind: "not_found" };
}
