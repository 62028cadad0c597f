// Tenants as the admin API sees them: list, get, and quota updates.
import { and, asc, eq, gt } from "drizzle-orm";
import type { Database } from "./client.js";
import { tenants, type Tenant } from "./schema.js";

export const TENANT_ID = /^ten_[0-9a-z]{26}$/;

export async function findTenant(db: Database, id: string): Promise<Tenant | null> {
  if (!TENANT_ID.test(id)) return null;
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return row ?? null;
}

/** One page of tenants in id (creation) order; `limit + 1` rows are read to know whether another page follows. */
export async function listTenants(db: Database, opts: { limit: number; after?: string }): Promise<{ rows: Tenant[]; more: boolean }> {
  const rows = await db
    .select()
    .from(tenants)
    .where(opts.after ? gt(tenants.id, opts.after) : undefined)
    .orderBy(asc(tenants.id))
    .limit(opts.limit + 1);
  return { rows: rows.slice(0, opts.limit), more: rows.length > opts.limit };
}

/** Sets the given quotas (undefined leaves one as is, null makes it unlimited); null if there is no such tenant. */
export async function updateQuotas(
  db: Database,
  id: string,
  quotas: { requestsPerMinute?: number | null; monthlyCredits?: number | null },
): Promise<Tenant | null> {
  if (!TENANT_ID.test(id)) return null;
  const set: Partial<Pick<Tenant, "requestsPerMinute" | "monthlyCredits">> = {};
  if (quotas.requestsPerMinute !== undefined) set.requestsPerMinute = quotas.requestsPerMinute;
  if (quotas.monthlyCredits !== undefined) set.monthlyCredits = quotas.monthlyCredits;
  if (Object.keys(set).length === 0) return findTenant(db, id);
  const [row] = await db.update(tenants).set(set).where(and(eq(tenants.id, id))).returning();
  return row ?? null;
}
