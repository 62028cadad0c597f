// Tenants and API keys: a key is shown once; only its SHA-256 and a short display prefix are stored.
import { newId } from "@thinktime/core";
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { apiKeys, tenants, type ApiKey, type Tenant } from "./schema.js";

export const KEY_PREFIX = "tt_";
const DISPLAY_CHARS = 8;

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function randomKey(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return KEY_PREFIX + s;
}

export interface TenantOptions {
  /** Operators' admin keys reach /admin; only set from trusted code (bootstrap, tests), never from a request. */
  operator?: boolean;
  requestsPerMinute?: number | null;
  monthlyCredits?: number | null;
}

export async function createTenant(db: Database, name: string, opts: TenantOptions = {}): Promise<Tenant> {
  const [row] = await db
    .insert(tenants)
    .values({
      id: newId("ten"),
      name,
      operator: opts.operator ?? false,
      requestsPerMinute: opts.requestsPerMinute ?? null,
      monthlyCredits: opts.monthlyCredits ?? null,
    })
    .returning();
  return row!;
}

export interface CreatedKey {
  id: string;
  /** The plaintext key: returned here once and never again. */
  key: string;
  prefix: string;
  row: ApiKey;
}

export async function createApiKey(
  db: Database,
  tenantId: string,
  opts: { name?: string; scopes?: string[]; expiresAt?: Date } = {},
): Promise<CreatedKey> {
  const key = randomKey();
  const id = newId("key");
  const prefix = key.slice(0, KEY_PREFIX.length + DISPLAY_CHARS);
  const [row] = await db
    .insert(apiKeys)
    .values({
      id,
      tenantId,
      name: opts.name ?? "",
      hash: await sha256Hex(key),
      prefix,
      scopes: opts.scopes ?? ["jobs:write", "jobs:read"],
      expiresAt: opts.expiresAt ?? null,
    })
    .returning();
  return { id, key, prefix, row: row! };
}

/** The live key of a plaintext key together with its tenant, in one query; null if unknown, revoked or expired. */
export async function findActiveKeyWithTenant(
  db: Database,
  key: string,
  now = new Date(),
): Promise<{ key: ApiKey; tenant: Tenant } | null> {
  return (await findActiveKeysWithTenant(db, [key], now))[0]!;
}

/** findActiveKeyWithTenant for many presented keys in one query (the edge coalesces concurrent requests' lookups). */
export async function findActiveKeysWithTenant(
  db: Database,
  keys: readonly string[],
  now = new Date(),
  hash: (key: string) => Promise<string> = sha256Hex,
): Promise<({ key: ApiKey; tenant: Tenant } | null)[]> {
  const hashes = await Promise.all(keys.map((k) => (k.startsWith(KEY_PREFIX) ? hash(k) : null)));
  const wanted = [...new Set(hashes.filter((h): h is string => h !== null))];
  const rows =
    wanted.length === 0
      ? []
      : await db.select({ key: apiKeys, tenant: tenants }).from(apiKeys).innerJoin(tenants, eq(tenants.id, apiKeys.tenantId)).where(inArray(apiKeys.hash, wanted));
  const byHash = new Map(rows.map((r) => [r.key.hash, r]));
  return hashes.map((h) => {
    const row = h === null ? undefined : byHash.get(h);
    if (!row || row.key.revokedAt || (row.key.expiresAt && row.key.expiresAt <= now)) return null;
    return row;
  });
}

/** How stale `last_used_at` may get: recording use costs a write at most once per key per interval, not per request. */
export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Records that a key was used, unless it was already recorded within LAST_USED_INTERVAL_MS. Callers skip the call
 * when the row they hold is fresh; the conditional UPDATE keeps concurrent requests from writing twice anyway.
 */
export async function touchKey(db: Database, key: ApiKey, now = new Date()): Promise<boolean> {
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < LAST_USED_INTERVAL_MS) return false;
  const cutoff = new Date(now.getTime() - LAST_USED_INTERVAL_MS);
  const rows = await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

/** The tenant's keys, newest first, revoked ones included. */
export async function listKeys(db: Database, tenantId: string): Promise<ApiKey[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(desc(apiKeys.id));
}

export const KEY_ID = /^key_[0-9a-z]{26}$/;

export async function findKey(db: Database, tenantId: string, id: string): Promise<ApiKey | null> {
  if (!KEY_ID.test(id)) return null;
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId))).limit(1);
  return row ?? null;
}

/** Revokes one of the tenant's keys now (idempotent: an already revoked key keeps its time); null if not theirs. */
export async function revokeKey(db: Database, tenantId: string, id: string): Promise<ApiKey | null> {
  if (!KEY_ID.test(id)) return null;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)))
    .returning();
  return row ?? null;
}

export type RotateOutcome = { kind: "rotated"; old: ApiKey; created: CreatedKey } | { kind: "not_found" } | { kind: "revoked" };

/**
 * Replaces a live key with a new one of the same name, scopes and expiry, in one transaction. The old key is
 * revoked at once, or keeps working for `graceSeconds` (its expiry moves up to then).
 */
export async function rotateKey(db: Database, tenantId: string, id: string, graceSeconds = 0): Promise<RotateOutcome> {
  if (!KEY_ID.test(id)) return { kind: "not_found" };
  return db.transaction(async (tx) => {
    const [old] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId))).for("update");
    if (!old) return { kind: "not_found" } as const;
    const now = new Date();
    if (old.revokedAt || (old.expiresAt && old.expiresAt <= now)) return { kind: "revoked" } as const;
    const created = await createApiKey(tx as unknown as Database, tenantId, {
      name: old.name,
      scopes: old.scopes,
      expiresAt: old.expiresAt ?? undefined,
    });
    const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
    const set = graceSeconds > 0
      ? { expiresAt: old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd }
      : { revokedAt: now };
    const [updated] = await tx.update(apiKeys).set(set).where(eq(apiKeys.id, id)).returning();
    return { kind: "rotated", old: updated!, created } as const;
  });
}

/** The live (not revoked, not expired) key row for a plaintext key, or null. */
export async function findActiveKey(db: Database, key: string, now = new Date()): Promise<ApiKey | null> {
  if (!key.startsWith(KEY_PREFIX)) return null;
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, await sha256Hex(key))).limit(1);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  return row;
}
