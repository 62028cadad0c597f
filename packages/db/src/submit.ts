// Submitting jobs: Idempotency-Key replay, credit reservation and the insert, all in one transaction (one job or a batch).
import { newId, type JobParams } from "@thinktime/core";
import { creditPeriod } from "@thinktime/core/api/credits";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { reserveCredits, type CreditBalance, type Queryable } from "./credits.js";
import { creditLedger, idempotencyKeys, jobs, type Job } from "./schema.js";

/** How long an Idempotency-Key is remembered (as Stripe does). */
export const IDEMPOTENCY_TTL_HOURS = 24;

/** One job to queue: what the generator runs and the credits it holds meanwhile. */
export interface NewJob {
  question: string;
  strategy: string;
  params: JobParams;
  /** The job's budget in credits, reserved against the tenant's monthly limit. */
  credits: number;
}

export interface SubmitJobInput extends NewJob {
  tenantId: string;
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

/**
 * A newly queued job holding `input.credits` of `period`, every column given: inserted as it is and answered as it
 * is, so no submit reads its row back (`RETURNING *` cost more than the insert itself on PGlite).
 */
export const queuedJob = (id: string, tenantId: string, input: NewJob, period: string, createdAt = new Date()): Job => ({
  id,
  tenantId,
  status: "queued",
  question: input.question,
  strategy: input.strategy,
  params: { ...input.params },
  result: null,
  error: null,
  attempts: 0,
  leaseOwner: null,
  leaseExpiresAt: null,
  cancelRequested: false,
  reservedCredits: input.credits,
  chargedCredits: null,
  creditPeriod: period,
  createdAt,
  startedAt: null,
  finishedAt: null,
});

/**
 * Inserts queued jobs (from `queuedJob`) as one statement with one parameter for the rows: JSON, unpacked by
 * `json_to_recordset`. A drizzle multi-row insert binds every column of every row (18 × rows parameters), and building
 * that query was a tenth of the API server's thread at 40 submits a batch; the columns left out take their defaults.
 * With `reserve`, the same statement adds each tenant's credits to its ledger row for the period (the caller holds
 * the rows' locks and has checked the limits): one round trip instead of an UPDATE per tenant and the insert.
 */
export async function insertQueuedJobs(
  db: Queryable,
  rows: readonly Job[],
  opts: { reserve?: { period: string; credits: ReadonlyMap<string, number> } } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const packed = rows.map((r) => ({
    id: r.id,
    tenant_id: r.tenantId,
    question: r.question,
    strategy: r.strategy,
    params: r.params,
    reserved_credits: r.reservedCredits,
    credit_period: r.creditPeriod,
    created_at: r.createdAt.toISOString(),
  }));
  const reserve = opts.reserve && opts.reserve.credits.size > 0 ? opts.reserve : null;
  const reservation = reserve
    ? sql`with reserved as (
        update ${creditLedger} l set reserved = l.reserved + r.credits
        from json_to_recordset(${JSON.stringify([...reserve.credits].map(([tenant_id, credits]) => ({ tenant_id, credits })))}::json)
          as r(tenant_id text, credits bigint)
        where l.tenant_id = r.tenant_id and l.period = ${reserve.period}
      ) `
    : sql``;
  await db.execute(sql`${reservation}
    insert into ${jobs} (id, tenant_id, question, strategy, params, reserved_credits, credit_period, created_at)
    select id, tenant_id, question, strategy, params, reserved_credits, credit_period, created_at
    from json_to_recordset(${JSON.stringify(packed, wellFormed)}::json)
      as r(id text, tenant_id text, question text, strategy text, params jsonb, reserved_credits bigint, credit_period text, created_at timestamptz)`);
}

/** A lone surrogate: valid in a JS string, not in UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * JSON.stringify's replacer for JSON Postgres takes: a lone surrogate becomes U+FFFD, as the drivers' UTF-8 encoding
 * of a text parameter makes it, where JSON.stringify would write `\udXXX`, which Postgres's json parser refuses.
 */
const wellFormed = (_key: string, value: unknown) => (typeof value === "string" ? value.replace(LONE_SURROGATE, "\ufffd") : value);

type IdempotencyKey = typeof idempotencyKeys.$inferSelect;

/**
 * Claims a tenant's Idempotency-Key in the caller's transaction (so it commits or rolls back with the jobs), forgetting
 * it first if it is older than the TTL. A concurrent request with the same key waits on the primary key until the
 * first commits, then gets the row that one stored as `prior` (absent only if it vanished meanwhile).
 */
async function claimIdempotencyKey(
  tx: Queryable,
  tenantId: string,
  idempotency: { key: string; requestHash: string },
  made: { jobId: string; jobIds: string[] | null },
): Promise<{ claimed: true } | { claimed: false; prior?: IdempotencyKey }> {
  const mine = and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, idempotency.key));
  await tx.delete(idempotencyKeys).where(and(mine, lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`)));
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ tenantId, key: idempotency.key, requestHash: idempotency.requestHash, ...made })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length > 0) return { claimed: true };
  const [prior] = await tx.select().from(idempotencyKeys).where(mine);
  return { claimed: false, prior };
}

export async function submitJob(db: Database, input: SubmitJobInput): Promise<SubmitOutcome> {
  const { tenantId, idempotency } = input;
  const id = newId("job");
  const period = creditPeriod();
  try {
    return await db.transaction(async (tx) => {
      if (idempotency) {
        const claim = await claimIdempotencyKey(tx, tenantId, idempotency, { jobId: id, jobIds: null });
        if (!claim.claimed) {
          const { prior } = claim;
          // A key a batch claimed is another request, whatever its hash.
          if (!prior || prior.requestHash !== idempotency.requestHash || prior.jobIds !== null) return { kind: "idempotency_mismatch" } as const;
          const [job] = await tx.select().from(jobs).where(and(eq(jobs.id, prior.jobId), eq(jobs.tenantId, tenantId)));
          if (!job) return { kind: "idempotency_mismatch" } as const;
          return { kind: "replayed", job } as const;
        }
      }
      const reserved = await reserveCredits(tx, tenantId, input.credits, period);
      if (!reserved.ok) throw new Refused({ kind: "insufficient_credits", balance: reserved.balance, needed: input.credits });
      const job = queuedJob(id, tenantId, input, period);
      await insertQueuedJobs(tx, [job]);
      return { kind: "created", job } as const;
    });
  } catch (err) {
    // Thrown to roll the transaction back (the idempotency claim with it), then answered as an outcome.
    if (err instanceof Refused) return err.outcome;
    throw err;
  }
}

export type SubmitBatchOutcome =
  | { kind: "created"; jobs: Job[] }
  /** Same key, same batch: the jobs the first request made, in its order. */
  | { kind: "replayed"; jobs: Job[] }
  /** Same key, another request (another batch, or a single submit's key). */
  | { kind: "idempotency_mismatch" }
  | { kind: "insufficient_credits"; balance: CreditBalance; needed: number };

/**
 * Queues every job of a batch or none: one reservation of their summed credits (the same conditional UPDATE as a
 * single submit, so concurrent submits never overspend) and one multi-row insert, in one transaction. The jobs are
 * returned in input order. With `idempotency`, the key is claimed in that same transaction and stores every job id,
 * so a retry of the same batch replays it whole and a refused batch (credits) leaves the key unclaimed.
 */
export async function submitJobs(
  db: Database,
  tenantId: string,
  batch: NewJob[],
  opts: { idempotency?: { key: string; requestHash: string } } = {},
): Promise<SubmitBatchOutcome> {
  if (batch.length === 0) return { kind: "created", jobs: [] };
  const { idempotency } = opts;
  const period = creditPeriod();
  const needed = batch.reduce((total, j) => total + j.credits, 0);
  const createdAt = new Date();
  const rows = batch.map((j) => queuedJob(newId("job"), tenantId, j, period, createdAt));
  try {
    return await db.transaction(async (tx) => {
      if (idempotency) {
        const jobIds = rows.map((r) => r.id);
        const claim = await claimIdempotencyKey(tx, tenantId, idempotency, { jobId: jobIds[0]!, jobIds });
        if (!claim.claimed) {
          const { prior } = claim;
          // A key a single submit claimed (no job_ids) is another request, whatever its hash.
          if (!prior?.jobIds || prior.requestHash !== idempotency.requestHash) return { kind: "idempotency_mismatch" } as const;
          const found = await tx.select().from(jobs).where(and(inArray(jobs.id, prior.jobIds), eq(jobs.tenantId, tenantId)));
          const byId = new Map(found.map((j) => [j.id, j]));
          if (byId.size !== prior.jobIds.length) return { kind: "idempotency_mismatch" } as const;
          return { kind: "replayed", jobs: prior.jobIds.map((id) => byId.get(id)!) } as const;
        }
      }
      const reserved = await reserveCredits(tx, tenantId, needed, period);
      if (!reserved.ok) throw new Refused({ kind: "insufficient_credits", balance: reserved.balance, needed });
      await insertQueuedJobs(tx, rows);
      return { kind: "created", jobs: rows } as const;
    });
  } catch (err) {
    if (err instanceof Refused && err.outcome.kind === "insufficient_credits") return err.outcome;
    throw err;
  }
}
