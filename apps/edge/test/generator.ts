// Plays the generator against the real database: takes one tenant's next queued job and finishes it as a worker would.
import { type CandidateInput, completeJob, type Database, failJob, type Job, jobs } from "@thinktime/db";
import { and, asc, eq, sql } from "drizzle-orm";

export const WORKER = "test-generator";

export interface FinishOptions {
  /** Before completing (after claiming), so a caller can watch it run. */
  delayMs?: number;
  /** The chosen candidate's text and answer. */
  text?: string;
  answer?: string;
  /** The chosen candidate's finish reason (default "stop"). */
  finishReason?: "stop" | "length";
  /** Fail the job with this message instead. */
  fail?: string;
  /** Give up after this long without a queued job of the tenant. */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Claims the tenant's oldest queued job (other tests' jobs stay queued), as claimNextJob would for one tenant. */
export async function claimTenantJob(db: Database, tenantId: string, timeoutMs = 10_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [next] = await db
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.tenantId, tenantId), eq(jobs.status, "queued")))
      .orderBy(asc(jobs.createdAt), asc(jobs.id))
      .limit(1);
    if (next) {
      const [job] = await db
        .update(jobs)
        .set({
          status: "running",
          leaseOwner: WORKER,
          leaseExpiresAt: sql`now() + interval '1 minute'`,
          attempts: sql`${jobs.attempts} + 1`,
          startedAt: sql`coalesce(${jobs.startedAt}, now())`,
        })
        .where(and(eq(jobs.id, next.id), eq(jobs.status, "queued")))
        .returning();
      if (job) return job;
    }
    await sleep(20);
  }
  throw new Error(`no queued job of ${tenantId} within ${timeoutMs} ms`);
}

/** Two candidates (the second chosen), 20 prompt + 30 generated + 12 verifier tokens. */
export async function finishTenantJob(db: Database, tenantId: string, opts: FinishOptions = {}): Promise<Job> {
  const job = await claimTenantJob(db, tenantId, opts.timeoutMs);
  if (opts.delayMs) await sleep(opts.delayMs);
  const usage = { model: "policy", strategy: job.strategy, promptTokens: 20, generatedTokens: 30, verifierTokens: 12, flops: 2.5e9 };
  if (opts.fail) {
    await failJob(db, { jobId: job.id, workerId: WORKER, code: "model_error", message: opts.fail, usage });
    return job;
  }
  const answer = opts.answer ?? "84";
  const candidates: CandidateInput[] = [
    { index: 0, text: "12 * 7 = 74. #### 74", answer: "74", tokens: 12, logprob: -4, score: 0.2, finishReason: "stop", chosen: false },
    { index: 1, text: opts.text ?? `12 * 7 = 84. #### ${answer}`, answer, tokens: 18, logprob: -2, score: 0.9, finishReason: opts.finishReason ?? "stop", chosen: true },
  ];
  await completeJob(db, { jobId: job.id, workerId: WORKER, result: { answer, chosen: 1 }, candidates, usage });
  return job;
}
