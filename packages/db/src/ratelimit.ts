// Per-tenant requests per minute: a fixed one-minute window counted in Postgres, shared by every edge instance.
import { and, eq, lt, sql } from "drizzle-orm";
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
  const start = new Date(Math.floor(now.getTime() / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000);
  const [row] = await db
    .insert(rateLimitWindows)
    .values({ tenantId, windowStart: start, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimitWindows.tenantId, rateLimitWindows.windowStart],
      set: { count: sql`${rateLimitWindows.count} + 1` },
    })
    .returning({ count: rateLimitWindows.count });
  const count = row?.count ?? 1;
  if (count === 1) {
    // First request of a window: old windows of this tenant are no longer needed.
    await db.delete(rateLimitWindows).where(and(eq(rateLimitWindows.tenantId, tenantId), lt(rateLimitWindows.windowStart, start)));
  }
  const resetSeconds = Math.max(1, Math.ceil((start.getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
  return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetSeconds };
}
