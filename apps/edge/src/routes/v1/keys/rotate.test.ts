// POST /v1/keys/{id}/rotate against PGlite and Postgres: a new key like the old, which ends now or after a grace period.
import { CreatedKeyResource } from "@thinktime/core/api/keys";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/keys/{id}/rotate (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  const rotate = (id: string, json?: unknown, key = acme.key) => h.request("POST", `/v1/keys/${id}/rotate`, { key, json });

  it("replaces a key at once: same name and scopes, new plaintext, old key refused", async () => {
    const old = await createApiKey(h.db, acme.tenantId, { name: "ci", scopes: ["jobs:read"] });
    const fresh = CreatedKeyResource.parse(await expectJson(await rotate(old.id), 201));
    expect(fresh).toMatchObject({ name: "ci", scopes: ["jobs:read"], tenant_id: acme.tenantId, revoked_at: null });
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.key).not.toBe(old.key);
    await expectProblem(await h.request("GET", "/v1/jobs", { key: old.key }), 401, "unauthorized");
    await expectJson(await h.request("GET", "/v1/jobs", { key: fresh.key }), 200);
  });

  it("keeps the old key working for a grace period", async () => {
    const old = await createApiKey(h.db, acme.tenantId, { name: "deploy" });
    const fresh = await expectJson<CreatedKeyResource>(await rotate(old.id, { grace_seconds: 600 }), 201);
    await expectJson(await h.request("GET", "/v1/jobs", { key: old.key }), 200);
    await expectJson(await h.request("GET", "/v1/jobs", { key: fresh.key }), 200);
  });

  it("refuses to rotate a revoked key (409)", async () => {
    const old = await createApiKey(h.db, acme.tenantId);
    await h.revoke(old.id);
    await expectProblem(await rotate(old.id), 409, "conflict");
  });

  it.each([
    ["a negative grace period", { grace_seconds: -1 }],
    ["a grace period over a week", { grace_seconds: 8 * 24 * 3600 }],
    ["an unknown field", { scopes: ["admin"] }],
  ])("rejects %s (400)", async (_name, json) => {
    const old = await createApiKey(h.db, acme.tenantId);
    await expectProblem(await rotate(old.id, json), 400, "validation_failed");
    await expectJson(await h.request("GET", "/v1/jobs", { key: old.key }), 200);
  });

  it("another tenant's key is a 404 and keeps working", async () => {
    const rival = await h.tenant({ name: "rival" });
    await expectProblem(await rotate(rival.keyId), 404, "not_found");
    await expectJson(await h.request("GET", "/v1/jobs", { key: rival.key }), 200);
  });

  it("needs the admin scope (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId);
    await expectProblem(await rotate(k.id, undefined, k.key), 403, "forbidden");
  });
});
