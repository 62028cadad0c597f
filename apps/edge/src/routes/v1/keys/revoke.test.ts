// POST /v1/keys/{id}/revoke against PGlite and Postgres: stops a key at once, idempotently; other tenants' keys are 404s.
import { KeyResource } from "@thinktime/core/api/keys";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/keys/{id}/revoke (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  const revoke = (id: string, key = acme.key) => h.request("POST", `/v1/keys/${id}/revoke`, { key });

  it("revokes a key: it answers 401 from then on; revoking again keeps the first time", async () => {
    const k = await createApiKey(h.db, acme.tenantId);
    await expectJson(await h.request("GET", "/v1/jobs", { key: k.key }), 200);
    const revoked = KeyResource.parse(await expectJson(await revoke(k.id), 200));
    expect(revoked.revoked_at).not.toBeNull();
    await expectProblem(await h.request("GET", "/v1/jobs", { key: k.key }), 401, "unauthorized");
    const again = await expectJson<KeyResource>(await revoke(k.id), 200);
    expect(again.revoked_at).toBe(revoked.revoked_at);
  });

  it("a key can revoke itself", async () => {
    const self = await createApiKey(h.db, acme.tenantId, { scopes: ["admin"] });
    await expectJson(await revoke(self.id, self.key), 200);
    await expectProblem(await revoke(self.id, self.key), 401, "unauthorized");
  });

  it.each(["key_0000000000aaaaaaaaaaaaaaaa", "nope", encodeURIComponent("key_' OR 1=1 --")])("answers 404 for %s", async (id) => {
    await expectProblem(await revoke(id), 404, "not_found");
  });

  it("another tenant's key is a 404 and keeps working", async () => {
    const rival = await h.tenant({ name: "rival" });
    await expectProblem(await revoke(rival.keyId), 404, "not_found");
    await expectJson(await h.request("GET", "/v1/jobs", { key: rival.key }), 200);
  });

  it("needs the admin scope (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write", "jobs:read"] });
    await expectProblem(await revoke(k.id, k.key), 403, "forbidden");
    await expectJson(await h.request("GET", "/v1/jobs", { key: k.key }), 200);
  });
});
