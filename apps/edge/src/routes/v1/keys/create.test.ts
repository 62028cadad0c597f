// POST /v1/keys against PGlite and Postgres: the plaintext once, only a hash stored, scopes and expiry enforced.
import { CreatedKeyResource } from "@thinktime/core/api/keys";
import { apiKeys, sha256Hex } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/keys (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  const create = (json: unknown, key = acme.key) => h.request("POST", "/v1/keys", { key, json });

  it("creates a key shown once, stored as SHA-256 with a display prefix, that works at once", async () => {
    const res = await create({ name: "ci", scopes: ["jobs:read"] });
    const created = CreatedKeyResource.parse(await expectJson(res, 201));
    expect(created).toMatchObject({ object: "api_key", tenant_id: acme.tenantId, name: "ci", scopes: ["jobs:read"], expires_at: null, revoked_at: null });
    expect(created.key).toMatch(/^tt_[A-Za-z0-9]{32}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.hash).toBe(await sha256Hex(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
    await expectJson(await h.request("GET", "/v1/jobs", { key: created.key }), 200);
    // It has only what it was given.
    await expectProblem(await h.request("POST", "/v1/jobs", { key: created.key, json: { question: "1+1?" } }), 403, "forbidden");
  });

  it("defaults to jobs:write and jobs:read without expiry", async () => {
    const created = await expectJson<CreatedKeyResource>(await create({}), 201);
    expect(created).toMatchObject({ name: "", scopes: ["jobs:write", "jobs:read"], expires_at: null });
  });

  it("sets an expiry from expires_in", async () => {
    const before = Date.now();
    const created = await expectJson<CreatedKeyResource>(await create({ expires_in: 3600 }), 201);
    const expires = Date.parse(created.expires_at!);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expires).toBeLessThan(before + 3700_000);
  });

  it.each([
    ["an unknown scope", { scopes: ["root"] }, "body.scopes.0"],
    ["scopes not an array", { scopes: "admin" }, "body.scopes"],
    ["an expiry under a minute", { expires_in: 5 }, "body.expires_in"],
    ["a fractional expiry", { expires_in: 90.5 }, "body.expires_in"],
    ["a name too long", { name: "n".repeat(101) }, "body.name"],
    ["an unknown field", { hash: "x" }, "body.hash"],
  ])("rejects %s (400) and creates nothing", async (_name, json, path) => {
    const before = await h.db.$count(apiKeys);
    const body = await expectProblem(await create(json), 400, "validation_failed");
    expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    expect(await h.db.$count(apiKeys)).toBe(before);
  });

  it("needs the admin scope (403): a jobs key cannot mint keys", async () => {
    const worker = await h.tenant({ scopes: ["jobs:write", "jobs:read", "usage:read"] });
    const before = await h.db.$count(apiKeys);
    await expectProblem(await create({ scopes: ["admin"] }, worker.key), 403, "forbidden");
    expect(await h.db.$count(apiKeys)).toBe(before);
  });

  it("makes keys only for the caller's tenant", async () => {
    const created = await expectJson<CreatedKeyResource>(await create({ name: "x" }), 201);
    const [row] = await h.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row!.tenantId).toBe(acme.tenantId);
    await expectProblem(await create({ tenant_id: "ten_0000000000aaaaaaaaaaaaaaaa" }), 400, "validation_failed");
  });
});
