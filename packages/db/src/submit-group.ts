// Group commit for job submits: many tenants' submits in one transaction, credits checked in arrival order.
import { newId } from "@thinktime/core";
import { creditPeriod } from "@thinktime/core/api/credits";
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "./client.js";
import { Rejected } from "./coalesce.js";
import type { CreditBalance, Queryable } from "./credits.js";
import { creditLedger, tenants, type Job } from "./schema.js";
import { insertQueuedJobs, queuedJob, submitJob, type NewJob, type SubmitOutcome } from "./submit.js";

export interface GroupedSubmit extends NewJob {
  tenantId: string;
}

type Outcome = Extract<SubmitOutcome, { kind: "created" | "insufficient_credits" }>;

/**
 * Submits (without Idempotency-Key) in one transaction: the tenants' ledger rows are locked in tenant order, each
 * submit is admitted in arrival order while reserved + spent stays within its tenant's limit (the same rule as
 * submitJob's conditional UPDATE, so mixing both never overspends), then one statement adds the reservations and
 * inserts the jobs. Per submit, the same outcome submitJob gives. If the grouped transaction fails, each submit is retried
 * on its own so one bad submit cannot fail the others: a submit that fails alone too comes back `Rejected`.
 */
export async function submitJobsGrouped(db: Database, inputs: readonly GroupedSubmit[]): Promise<(Outcome | Rejected)[]> {
  if (inputs.length === 0) return [];
  try {
    return await groupTransaction(db, inputs);
  } catch (err) {
    if (inputs.length === 1) return [new Rejected(err)];
    return Promise.all(inputs.map((input) => (submitJob(db, input) as Promise<Outcome>).catch((e: unknown) => new Rejected(e))));
  }
}

async function groupTransaction(db: Database, inputs: readonly GroupedSubmit[]): Promise<Outcome[]> {
  const period = creditPeriod();
  const tenantIds = [...new Set(inputs.map((i) => i.tenantId))].sort();
  return db.transaction(async (tx) => {
    // Lock the ledger rows; a tenant's first submit of the month makes its row first (then locks it too).
    let locked = await lockLedger(tx, tenantIds, period);
    if (locked.length < tenantIds.length) {
      const have = new Set(locked.map((r) => r.tenantId));
      const missing = tenantIds.filter((id) => !have.has(id));
      await tx.insert(creditLedger).values(missing.map((tenantId) => ({ tenantId, period }))).onConflictDoNothing();
      locked = await lockLedger(tx, tenantIds, period);
    }
    const balances = new Map<string, CreditBalance>(locked.map((r) => [r.tenantId, { ...r, period }]));
    const added = new Map<string, number>();
    const rows: Job[] = [];
    const createdAt = new Date();
    const outcomes: (Outcome | number)[] = inputs.map((input) => {
      const b = balances.get(input.tenantId);
      if (!b) throw new Error(`tenant ${input.tenantId} not found`);
      if (b.limit !== null && b.reserved + b.spent + input.credits > b.limit) {
        return { kind: "insufficient_credits", balance: { ...b }, needed: input.credits };
      }
      b.reserved += input.credits;
      added.set(input.tenantId, (added.get(input.tenantId) ?? 0) + input.credits);
      return rows.push(queuedJob(newId("job"), input.tenantId, input, period, createdAt)) - 1;
    });
    await insertQueuedJobs(tx, rows, { reserve: { period, credits: added } });
    return outcomes.map((o) => (typeof o === "number" ? { kind: "created", job: rows[o]! } : o));
  });
}

/** The tenants' ledger rows for `period` with their limits, locked FOR UPDATE in tenant order (no deadlocks). */
function lockLedger(tx: Queryable, tenantIds: string[], period: string) {
  return tx
    .select({ tenantId: creditLedger.tenantId, reserved: creditLedger.reserved, spent: creditLedger.spent, limit: tenants.monthlyCredits })
    .from(creditLedger)
    .innerJoin(tenants, eq(tenants.id, creditLedger.tenantId))
    .where(and(inArray(creditLedger.tenantId, tenantIds), eq(creditLedger.period, period)))
    .orderBy(creditLedger.tenantId)
    .for("update", { of: creditLedger });
}
