// A job's progress as Postgres has it (status, best answer so far, candidates, spend against budget): what its event stream sends.
import type { JobUsage } from "@thinktime/core";
import { candidates, type Database, type Job } from "@thinktime/db";
import { asc, desc, eq, sql } from "drizzle-orm";
import { findJob, usageByJob } from "./queries.js";

export interface JobProgress {
  id: string;
  status: Job["status"];
  strategy: string;
  /** The chosen answer once there is one, else the best-scored (then first) candidate's answer so far. */
  best_answer: string | null;
  candidates: number;
  usage: JobUsage | null;
  /** The job's hard cap, if it has one. */
  budget: { tokens?: number; flops?: number } | null;
  /** What it spent so far in the budget's units: prompt + generated + verifier tokens, FLOPs. */
  spent: { tokens: number; flops: number };
  cancel_requested: boolean;
  started_at: string | null;
  finished_at: string | null;
}

/** How many candidates the job has and the best one's answer (chosen first, then by score, then by index). */
async function candidateSummary(db: Database, jobId: string): Promise<{ count: number; best: string | null }> {
  const [row] = await db
    .select({ count: sql<number>`count(*) over ()`.mapWith(Number), answer: candidates.answer })
    .from(candidates)
    .where(eq(candidates.jobId, jobId))
    .orderBy(desc(candidates.chosen), sql`${candidates.score} desc nulls last`, asc(candidates.index))
    .limit(1);
  return { count: row?.count ?? 0, best: row?.answer ?? null };
}

/** The tenant's job and its progress, or null when the tenant has no such job. */
export async function loadProgress(db: Database, tenantId: string, id: string): Promise<{ job: Job; progress: JobProgress } | null> {
  // One snapshot: the generator writes the terminal status, candidates and usage in one transaction, and a stream
  // must never see the job still running with its final candidates (or finished without them).
  const read = await db.transaction(
    async (tx) => {
      const t = tx as unknown as Database;
      const job = await findJob(t, tenantId, id);
      if (!job) return null;
      const cands = await candidateSummary(t, job.id);
      const usageMap = await usageByJob(t, tenantId, [job.id]);
      return { job, cands, usageMap };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
  if (!read) return null;
  const { job, cands, usageMap } = read;
  const usage = usageMap.get(job.id) ?? null;
  const result = job.result as { answer?: string | null } | null;
  const budget = (job.params as { budget?: JobProgress["budget"] }).budget ?? null;
  const progress: JobProgress = {
    id: job.id,
    status: job.status,
    strategy: job.strategy,
    best_answer: result?.answer ?? cands.best,
    candidates: cands.count,
    usage,
    budget,
    spent: {
      tokens: usage ? usage.prompt_tokens + usage.generated_tokens + usage.verifier_tokens : 0,
      flops: usage?.flops ?? 0,
    },
    cancel_requested: job.cancelRequested,
    started_at: job.startedAt?.toISOString() ?? null,
    finished_at: job.finishedAt?.toISOString() ?? null,
  };
  return { job, progress };
}

/** The event id of a progress snapshot (FNV-1a of it): equal ids mean nothing a client sees has changed. */
export function progressId(p: JobProgress): string {
  let hash = 0x811c9dc5;
  const text = JSON.stringify(p);
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${p.status}-${hash.toString(36)}`;
}
