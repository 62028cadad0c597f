// Billing test fixtures: usage events at chosen times and tenants old enough to have past months.
import { newId } from "@thinktime/core";
import { tenants, usageEvents, type Database } from "@thinktime/db";
import { eq } from "drizzle-orm";

/** The first instant of the month `offset` months from now (UTC), plus `days` days. */
export function monthFromNow(offset: number, days = 0): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1 + days));
}

export const periodOf = (d: Date) => d.toISOString().slice(0, 7);

/** Makes the tenant a year old, so its past months can have invoices. */
export async function backdateTenant(db: Database, tenantId: string): Promise<void> {
  await db.update(tenants).set({ createdAt: monthFromNow(-12) }).where(eq(tenants.id, tenantId));
}

export interface UsageFields {
  jobId?: string;
  model?: string;
  strategy?: string;
  prompt?: number;
  generated?: number;
  verifier?: number;
  flops?: number;
}

/** A usage_events row at `at` for the tenant (a fresh idempotency key: a new phase). */
export function usageEventRow(tenantId: string, at: Date, u: UsageFields = {}) {
  return {
    id: newId("use"),
    tenantId,
    ...(u.jobId ? { jobId: u.jobId } : {}),
    idempotencyKey: newId("idem"),
    model: u.model ?? "policy",
    strategy: u.strategy ?? "majority",
    promptTokens: u.prompt ?? 0,
    generatedTokens: u.generated ?? 0,
    verifierTokens: u.verifier ?? 0,
    flops: u.flops ?? 0,
    createdAt: at,
  };
}

export async function seedUsage(db: Database, tenantId: string, at: Date, u: UsageFields = {}): Promise<void> {
  await db.insert(usageEvents).values(usageEventRow(tenantId, at, u));
}
