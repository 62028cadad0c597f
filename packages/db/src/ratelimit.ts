// Per-tenant requests per minute: a fixed one-minute window counted in Postgres, shared by every edge instance.
import { and, inArray, lt, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { rateLimitWindows } from "./schema.js";

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  /** Requests left in this window after this one. */
  remaining: number;
  /** Whole seconds until the window resets (at least 1). */
  resetSeconds: number;
}

export const WINDOW_SECONDS = 60;

/** Counts one request against the tenant's current window (one upsert) and says whether it is within `limit`. */
export async function hitRateLimit(db: Database, tenantId: string, limit: number, now = new Date()): Promise<RateLimitState> {
  return (await hitRateLimits(db, [{ tenantId, limit }], now))[0]!;
}

/**
 * Counts many requests at once (the edge coalesces concurrent requests' hits): one upsert adds each tenant's
 * requests to its window, and the requests take the counts before the new total in order, so each is allowed
 * exactly as if it had been counted alone.
 */
export async function hitRateLimits(
  db: Database,
  hits: readonly { tenantId: string; limit: number }[],
  now = new Date(),
): Promise<RateLimitState[]> {
  if (hits.length === 0) return [];
  const start = new Date(Math.floor(now.getTime() / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000);
  const perTenant = new Map<string, number>();
  for (const h of hits) perTenant.set(h.tenantId, (perTenant.get(h.tenantId) ?? 0) + 1);
  const rows = await db
    .insert(rateLimitWindows)
    .values([...perTenant].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tenantId, count]) => ({ tenantId, windowStart: start, count })))
    .onConflictDoUpdate({
      target: [rateLimitWindows.tenantId, rateLimitWindows.windowStart],
      set: { count: sql`${rateLimitWindows.count} + excluded.count` },
    })
    .returning({ tenantId: rateLimitWindows.tenantId, count: rateLimitWindows.count });
  // The first count each tenant's requests of this batch take.
  const next = new Map(rows.map((r) => [r.tenantId, r.count - perTenant.get(r.tenantId)! + 1]));
  const fresh = rows.filter((r) => r.count === perTenant.get(r.tenantId)).map((r) => r.tenantId);
  if (fresh.length > 0) {
    // First requests of a window: those tenants' old windows are no longer needed.
    await db.delete(rateLimitWindows).where(and(inArray(rateLimitWindows.tenantId, fresh), lt(rateLimitWindows.windowStart, start)));
  }
  const resetSeconds = Math.max(1, Math.ceil((start.getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
  return hits.map(({ tenantId, limit }) => {
    const count = next.get(tenantId)!;
    next.set(tenantId, count + 1);
    return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
  });
}
