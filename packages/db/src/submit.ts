// Submitting a job: Idempotency-Key replay, credit reservation and the insert, all in one transaction.
import { newId, type JobParams } from "@thinktime/core";
import { creditPeriod } from "@thinktime/core/api/credits";
import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { reserveCredits, type CreditBalance } from "./credits.js";
import { idempotencyKeys, jobs, type Job } from "./schema.js";

/** How long an Idempotency-Key is remembered (as Stripe does). */
export const IDEMPOTENCY_TTL_HOURS = 24;

export interface SubmitJobInput {
  tenantId: string;
  question: string;
  strategy: string;
  params: JobParams;
  /** The job's budget in credits, reserved against the tenant's monthly limit. */
  credits: number;
  /** `Idempotency-Key` and a hash of the request it came with. */
  idempotency?: { key: string; requestHash: string };
}

export type SubmitOutcome =
  | { kind: "created"; job: Job }
  /** Same key, same request: the job the first request made. */
  | { kind: "replayed"; job: Job }
  /** Same key, another request. */
  | { kind: "idempotency_mismatch" }
  | { kind: "insufficient_credits"; balance: CreditBalance; needed: number };

class Refused extends Error {
  constructor(readonly outcome: SubmitOutcome) {
    super(outcome.kind);
  }
}

export async function submitJob(db: Database, input: SubmitJobInput): Promise<SubmitOutcome> {
  const { tenantId, idempotency } = input;
  const id = newId("job");
  const period = creditPeriod();
  try {
    return await db.transaction(async (tx) => {
      if (idempotency) {
        const mine = and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, idempotency.key));
        await tx.delete(idempotencyKeys).where(and(mine, lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`)));
        // A concurrent request with the same key waits here on the primary key until the first one commits.
        const claimed = await tx
          .insert(idempotencyKeys)
          .values({ tenantId, key: idempotency.key, requestHash: idempotency.requestHash, jobId: id })
          .onConflictDoNothing()
          .returning({ jobId: idempotencyKeys.jobId });
        if (claimed.length === 0) {
          const [prior] = await tx.select().from(idempotencyKeys).where(mine);
          if (!prior || prior.requestHash !== idempotency.requestHash) return { kind: "idempotency_mismatch" } as const;
          const [job] = await tx.select().from(jobs).where(and(eq(jobs.id, prior.jobId), eq(jobs.tenantId, tenantId)));
          if (!job) return { kind: "idempotency_mismatch" } as const;
          return { kind: "replayed", job } as const;
        }
      }
      const reserved = await reserveCredits(tx, tenantId, input.credits, period);
      if (!reserved.ok) throw new Refused({ kind: "insufficient_credits", balance: reserved.balance, needed: input.credits });
      const [job] = await tx
        .insert(jobs)
        .values({
          id,
          tenantId,
          status: "queued",
          question: input.question,
          strategy: input.strategy,
          params: { ...input.params },
          reservedCredits: input.credits,
          creditPeriod: period,
        })
        .returning();
      return { kind: "created", job: job! } as const;
    });
  } catch (err) {
    // Thrown to roll the transaction back (the idempotency claim with it), then answered as an outcome.
    if (err instanceof Refused) return err.outcome;
    throw err;
  }
}
