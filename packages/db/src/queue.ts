// The job queue on Postgres: leased claims (FOR UPDATE SKIP LOCKED), at-most-once terminal transitions and their events.
import { newId, type JobParams, type JobResult } from "@thinktime/core";
import { and, asc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "./client.js";
import { settleJobCredits } from "./credits.js";
import { candidates, jobs, usageEvents, type Job } from "./schema.js";
import { writeJobEvent } from "./webhooks.js";

export const DEFAULT_MAX_ATTEMPTS = 3;

export interface CandidateInput {
  index: number;
  text: string;
  answer: string | null;
  tokens: number;
  logprob: number | null;
  score: number | null;
  finishReason: string;
  chosen: boolean;
}

export interface UsageInput {
  model: string;
  strategy: string;
  promptTokens: number;
  generatedTokens: number;
  verifierTokens: number;
  flops: number;
}

export interface LeaseState {
  /** False once the job is no longer running under this worker's lease: stop working on it. */
  owned: boolean;
  /** The client asked to cancel: stop sampling and call finishCanceled. */
  cancelRequested: boolean;
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

const leaseUntil = (leaseMs: number): SQL<Date> =>
  sql<Date>`now() + (${Math.max(1, Math.round(leaseMs))}::integer * interval '1 millisecond')`;

const expiredLease = and(eq(jobs.status, "running"), lt(jobs.leaseExpiresAt, sql`now()`));

/** The running job as long as `workerId` still holds its lease (expired but not yet reclaimed counts as held). */
const heldBy = (jobId: string, workerId: string) =>
  and(eq(jobs.id, jobId), eq(jobs.status, "running"), eq(jobs.leaseOwner, workerId));

/** Queues a job for the generator; `createdAt` (default now) orders claims. */
export async function enqueueJob(
  db: Database,
  args: { tenantId: string; question: string; strategy: string; params: JobParams; id?: string; createdAt?: Date },
): Promise<Job> {
  const { params, ...rest } = args;
  const [job] = await db
    .insert(jobs)
    .values({ ...rest, id: args.id ?? newId("job"), params: params as unknown as Record<string, unknown> })
    .returning();
  return job!;
}

/**
 * Fails running jobs whose lease expired and that already used up `maxAttempts` claims (their workers kept dying).
 * Returns the ids it failed. claimNextJob calls it before each claim; a sweeper may call it too.
 */
export async function failExhaustedJobs(
  db: Database,
  { maxAttempts = DEFAULT_MAX_ATTEMPTS }: { maxAttempts?: number } = {},
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(jobs)
      .set({
        status: "failed",
        error: sql`jsonb_build_object('code', 'lease_exhausted', 'message',
          'lease expired after ' || ${jobs.attempts} || ' attempts; the workers running this job stopped responding')`,
        finishedAt: sql`now()`,
        leaseOwner: null,
        leaseExpiresAt: null,
      })
      .where(and(expiredLease, sql`${jobs.attempts} >= ${maxAttempts}`))
      .returning();
    for (const r of rows) {
      await settleJobCredits(tx, r.id);
      await writeJobEvent(tx, r);
    }
    return rows.map((r) => r.id);
  });
}

/**
 * Claims the oldest queued job, or a running one whose lease expired with attempts left, for `workerId`.
 * One UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED LIMIT 1): concurrent workers never get the same job.
 * The returned row has `cancelRequested`: a reclaimed job may already be asked to cancel.
 */
export async function claimNextJob(
  db: Database,
  { workerId, leaseMs, maxAttempts = DEFAULT_MAX_ATTEMPTS }: { workerId: string; leaseMs: number; maxAttempts?: number },
): Promise<Job | null> {
  await failExhaustedJobs(db, { maxAttempts });
  const next = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(or(eq(jobs.status, "queued"), and(expiredLease, lt(jobs.attempts, maxAttempts))))
    .orderBy(asc(jobs.createdAt), asc(jobs.id))
    .limit(1)
    .for("update", { skipLocked: true });
  const [job] = await db
    .update(jobs)
    .set({
      status: "running",
      leaseOwner: workerId,
      leaseExpiresAt: leaseUntil(leaseMs),
      attempts: sql`${jobs.attempts} + 1`,
      startedAt: sql`coalesce(${jobs.startedAt}, now())`,
    })
    .where(sql`${jobs.id} = (${next})`)
    .returning();
  return job ?? null;
}

/** Extends `workerId`'s lease on a running job; `owned: false` means another worker or a terminal state took it. */
export async function extendLease(db: Database, jobId: string, workerId: string, leaseMs: number): Promise<LeaseState> {
  const [row] = await db
    .update(jobs)
    .set({ leaseExpiresAt: leaseUntil(leaseMs) })
    .where(heldBy(jobId, workerId))
    .returning({ cancelRequested: jobs.cancelRequested });
  return row ? { owned: true, cancelRequested: row.cancelRequested } : { owned: false, cancelRequested: false };
}

/**
 * Asks a job to stop: a queued job is canceled at once; a running one gets `cancel_requested` and its worker
 * ends it with finishCanceled. Returns the job's status after the request, or null if there is no such job.
 */
export async function requestCancel(db: Database, jobId: string): Promise<Job["status"] | null> {
  const queued = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(jobs)
      .set({ status: "canceled", cancelRequested: true, finishedAt: sql`now()` })
      .where(and(eq(jobs.id, jobId), eq(jobs.status, "queued")))
      .returning();
    if (!row) return undefined;
    await settleJobCredits(tx, jobId);
    await writeJobEvent(tx, row);
    return row;
  });
  if (queued) return queued.status;
  await db
    .update(jobs)
    .set({ cancelRequested: true })
    .where(and(eq(jobs.id, jobId), eq(jobs.status, "running")));
  const [row] = await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId));
  return row?.status ?? null;
}

async function writeOutputs(
  tx: Tx,
  job: { id: string; tenantId: string },
  phase: string,
  cands: CandidateInput[] | undefined,
  usage: UsageInput | undefined,
): Promise<void> {
  if (cands?.length) {
    await tx
      .insert(candidates)
      .values(cands.map((c) => ({ id: newId("cand"), jobId: job.id, ...c })))
      .onConflictDoNothing({ target: [candidates.jobId, candidates.index] });
  }
  if (usage) {
    await tx
      .insert(usageEvents)
      .values({ id: newId("use"), tenantId: job.tenantId, jobId: job.id, idempotencyKey: `${job.id}:${phase}`, ...usage })
      .onConflictDoNothing({ target: usageEvents.idempotencyKey });
  }
}

/** Moves a job held by `workerId` to a terminal state and writes its outputs and webhook events, all in one transaction. */
async function finish(
  db: Database,
  jobId: string,
  workerId: string,
  terminal: Pick<Job, "status"> & Partial<Pick<Job, "result" | "error">>,
  phase: string,
  cands: CandidateInput[] | undefined,
  usage: UsageInput | undefined,
  onlyIf?: SQL,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [won] = await tx
      .update(jobs)
      .set({ ...terminal, finishedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null })
      .where(and(heldBy(jobId, workerId), onlyIf))
      .returning();
    if (!won) return false;
    await writeOutputs(tx, won, phase, cands, usage);
    await settleJobCredits(tx, jobId);
    await writeJobEvent(tx, won);
    return true;
  });
}

/** Succeeds a job at most once: true only for the worker whose lease won; the loser writes nothing. */
export async function completeJob(
  db: Database,
  args: {
    jobId: string;
    workerId: string;
    result: JobResult;
    candidates: CandidateInput[];
    usage: UsageInput;
  },
): Promise<boolean> {
  const { jobId, workerId, result, usage } = args;
  return finish(db, jobId, workerId, { status: "succeeded", result: result as unknown as Record<string, unknown> }, "complete", args.candidates, usage);
}

/** Fails a job held by `workerId` with `{code, message}`; bills `usage` (key `${jobId}:failed`) when given. */
export async function failJob(
  db: Database,
  args: { jobId: string; workerId: string; code: string; message: string; usage?: UsageInput },
): Promise<boolean> {
  const { jobId, workerId, code, message, usage } = args;
  return finish(db, jobId, workerId, { status: "failed", error: { code, message } }, "failed", undefined, usage);
}

/**
 * Ends a running job whose cancel was requested as `canceled`, billing what it spent (key `${jobId}:canceled`).
 * False if cancel was never requested: a worker shutting down should let the lease expire instead.
 */
export async function finishCanceled(
  db: Database,
  args: { jobId: string; workerId: string; candidates?: CandidateInput[]; usage: UsageInput },
): Promise<boolean> {
  const { jobId, workerId, usage } = args;
  return finish(db, jobId, workerId, { status: "canceled" }, "canceled", args.candidates, usage, eq(jobs.cancelRequested, true));
}
