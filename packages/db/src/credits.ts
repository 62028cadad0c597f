// Monthly compute credits: atomic reservation against a tenant's limit at submit, settlement when the job ends.
import { creditPeriod, creditsForUsage } from "@thinktime/core/api/credits";
import { and, eq, isNull, sql, sum } from "drizzle-orm";
import type { Database } from "./client.js";
import { creditLedger, jobs, tenants, usageEvents } from "./schema.js";

/** A transaction or the database itself: both run queries. */
export type Queryable = Pick<Database, "select" | "insert" | "update" | "delete" | "execute">;

export interface CreditBalance {
  tenantId: string;
  period: string;
  limit: number | null;
  reserved: number;
  spent: number;
}

export const remainingCredits = (b: CreditBalance): number | null =>
  b.limit === null ? null : Math.max(0, b.limit - b.reserved - b.spent);

/**
 * Reserves `credits` for the tenant in `period` if reserved + spent stays within its monthly limit. One conditional
 * UPDATE on the ledger row: concurrent reservations queue on the row lock and each re-checks the limit against the
 * committed total (READ COMMITTED re-evaluates the WHERE), so no interleaving overspends.
 */
export async function reserveCredits(
  db: Queryable,
  tenantId: string,
  credits: number,
  period = creditPeriod(),
): Promise<{ ok: true } | { ok: false; balance: CreditBalance }> {
  await db.insert(creditLedger).values({ tenantId, period }).onConflictDoNothing();
  const limit = sql`(SELECT ${tenants.monthlyCredits} FROM ${tenants} WHERE ${tenants.id} = ${tenantId})`;
  const rows = await db
    .update(creditLedger)
    .set({ reserved: sql`${creditLedger.reserved} + ${credits}` })
    .where(
      and(
        eq(creditLedger.tenantId, tenantId),
        eq(creditLedger.period, period),
        sql`(${limit} IS NULL OR ${creditLedger.reserved} + ${creditLedger.spent} + ${credits} <= ${limit})`,
      ),
    )
    .returning({ reserved: creditLedger.reserved });
  if (rows.length > 0) return { ok: true };
  return { ok: false, balance: await creditBalance(db, tenantId, period) };
}

export async function creditBalance(db: Queryable, tenantId: string, period = creditPeriod()): Promise<CreditBalance> {
  const [row] = await db
    .select({ limit: tenants.monthlyCredits, reserved: creditLedger.reserved, spent: creditLedger.spent })
    .from(tenants)
    .leftJoin(creditLedger, and(eq(creditLedger.tenantId, tenants.id), eq(creditLedger.period, period)))
    .where(eq(tenants.id, tenantId));
  return { tenantId, period, limit: row?.limit ?? null, reserved: row?.reserved ?? 0, spent: row?.spent ?? 0 };
}

/** Every tenant's credits in `period` (tenants without activity included), ordered by tenant id. */
export async function creditBalances(db: Queryable, period: string): Promise<CreditBalance[]> {
  const rows = await db
    .select({ tenantId: tenants.id, limit: tenants.monthlyCredits, reserved: creditLedger.reserved, spent: creditLedger.spent })
    .from(tenants)
    .leftJoin(creditLedger, and(eq(creditLedger.tenantId, tenants.id), eq(creditLedger.period, period)))
    .orderBy(tenants.id);
  return rows.map((r) => ({ tenantId: r.tenantId, period, limit: r.limit ?? null, reserved: r.reserved ?? 0, spent: r.spent ?? 0 }));
}

/**
 * Settles a job that just reached a terminal state, inside the caller's transaction: it is charged what its usage
 * events cost, capped at its reservation, and the reservation is released. At most once (charged_credits IS NULL).
 */
export async function settleJobCredits(tx: Queryable, jobId: string): Promise<number | null> {
  const [usage] = await tx
    .select({
      prompt: sum(usageEvents.promptTokens).mapWith(Number),
      generated: sum(usageEvents.generatedTokens).mapWith(Number),
      verifier: sum(usageEvents.verifierTokens).mapWith(Number),
    })
    .from(usageEvents)
    .where(eq(usageEvents.jobId, jobId));
  const cost = creditsForUsage({
    promptTokens: usage?.prompt ?? 0,
    generatedTokens: usage?.generated ?? 0,
    verifierTokens: usage?.verifier ?? 0,
  });
  const [job] = await tx
    .update(jobs)
    .set({ chargedCredits: sql`least(${jobs.reservedCredits}, ${cost})` })
    .where(and(eq(jobs.id, jobId), isNull(jobs.chargedCredits)))
    .returning({ tenantId: jobs.tenantId, period: jobs.creditPeriod, reserved: jobs.reservedCredits, charged: jobs.chargedCredits });
  if (!job) return null;
  if (job.period) {
    await tx
      .update(creditLedger)
      .set({
        reserved: sql`greatest(0, ${creditLedger.reserved} - ${job.reserved})`,
        spent: sql`${creditLedger.spent} + ${job.charged ?? 0}`,
      })
      .where(and(eq(creditLedger.tenantId, job.tenantId), eq(creditLedger.period, job.period)));
  }
  return job.charged ?? 0;
}
