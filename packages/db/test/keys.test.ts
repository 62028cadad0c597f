// API keys: created once in plaintext, stored as SHA-256 only, found only while live; revoke, rotate, last use.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  apiKeys, createApiKey, createTenant, findActiveKey, findActiveKeyWithTenant, LAST_USED_INTERVAL_MS, revokeKey, rotateKey,
  sha256Hex, touchKey,
} from "../src/index.js";
import { DRIVERS, useTestDatabase } from "./fixtures.js";

describe.each(DRIVERS)("api keys (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("creates a tt_ key and finds it by its plaintext", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const created = await createApiKey(db, tenant.id, { name: "ci" });
    expect(created.key).toMatch(/^tt_[A-Za-z0-9]{32}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const found = await findActiveKey(db, created.key);
    expect(found).toMatchObject({ id: created.id, tenantId: tenant.id, name: "ci", scopes: ["jobs:write", "jobs:read"] });
    expect(await findActiveKey(db, created.key + "x")).toBeNull();
    expect(await findActiveKey(db, "sk_" + created.key.slice(3))).toBeNull();
  });

  it("stores only the hash and a display prefix", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const created = await createApiKey(db, tenant.id);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.hash).toBe(await sha256Hex(created.key));
    expect(row!.prefix).toHaveLength(11);
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it("does not find revoked or expired keys", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const revoked = await createApiKey(db, tenant.id);
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, revoked.id));
    expect(await findActiveKey(db, revoked.key)).toBeNull();

    const expired = await createApiKey(db, tenant.id, { expiresAt: new Date(Date.now() - 1000) });
    expect(await findActiveKey(db, expired.key)).toBeNull();

    const later = await createApiKey(db, tenant.id, { expiresAt: new Date(Date.now() + 60_000) });
    expect(await findActiveKey(db, later.key)).not.toBeNull();
    expect(await findActiveKey(db, later.key, new Date(Date.now() + 120_000))).toBeNull();
  });
});

describe.each(DRIVERS)("key lifecycle (%s)", (driver) => {
  const t = useTestDatabase(driver);

  it("finds a live key with its tenant in one query", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme", { requestsPerMinute: 5, monthlyCredits: 100 });
    const created = await createApiKey(db, tenant.id, { scopes: ["usage:read"] });
    const found = await findActiveKeyWithTenant(db, created.key);
    expect(found?.key.id).toBe(created.id);
    expect(found?.tenant).toMatchObject({ id: tenant.id, requestsPerMinute: 5, monthlyCredits: 100, operator: false });
    await revokeKey(db, tenant.id, created.id);
    expect(await findActiveKeyWithTenant(db, created.key)).toBeNull();
  });

  it("records last use at most once per interval", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const { row } = await createApiKey(db, tenant.id);
    const t0 = new Date();
    expect(await touchKey(db, row, t0)).toBe(true);
    const [after] = await db.select().from(apiKeys).where(eq(apiKeys.id, row.id));
    expect(after!.lastUsedAt?.getTime()).toBe(t0.getTime());
    // Fresh in memory: no query at all; stale in memory but fresh in the table: the conditional UPDATE writes nothing.
    expect(await touchKey(db, after!, new Date(t0.getTime() + 30_000))).toBe(false);
    expect(await touchKey(db, row, new Date(t0.getTime() + 30_000))).toBe(false);
    expect(await touchKey(db, after!, new Date(t0.getTime() + LAST_USED_INTERVAL_MS + 1))).toBe(true);
  });

  it("revokes only the tenant's own keys, idempotently", async () => {
    const { db } = t.current;
    const a = await createTenant(db, "a");
    const b = await createTenant(db, "b");
    const key = await createApiKey(db, a.id);
    expect(await revokeKey(db, b.id, key.id)).toBeNull();
    expect(await findActiveKey(db, key.key)).not.toBeNull();
    const first = await revokeKey(db, a.id, key.id);
    const second = await revokeKey(db, a.id, key.id);
    expect(first?.revokedAt).toBeInstanceOf(Date);
    expect(second?.revokedAt?.getTime()).toBe(first?.revokedAt?.getTime());
  });

  it("rotates a key: same name and scopes, old one revoked or kept for a grace period", async () => {
    const { db } = t.current;
    const tenant = await createTenant(db, "acme");
    const old = await createApiKey(db, tenant.id, { name: "ci", scopes: ["jobs:read"] });
    const r = await rotateKey(db, tenant.id, old.id);
    if (r.kind !== "rotated") throw new Error(r.kind);
    expect(r.created.row).toMatchObject({ name: "ci", scopes: ["jobs:read"], tenantId: tenant.id });
    expect(await findActiveKey(db, old.key)).toBeNull();
    expect(await findActiveKey(db, r.created.key)).not.toBeNull();
    expect((await rotateKey(db, tenant.id, old.id)).kind).toBe("revoked");

    const graced = await rotateKey(db, tenant.id, r.created.id, 3600);
    if (graced.kind !== "rotated") throw new Error(graced.kind);
    expect(await findActiveKey(db, r.created.key)).not.toBeNull();
    expect(await findActiveKey(db, r.created.key, new Date(Date.now() + 3601_000))).toBeNull();
    expect((await rotateKey(db, (await createTenant(db, "b")).id, graced.created.id)).kind).toBe("not_found");
  });
});
