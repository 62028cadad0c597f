// POST /admin/tenants/{id}/keys/{key_id}/revoke against PGlite and Postgres: stops a tenant's key; operators only.
import { KeyResource } from "@thinktime/core/api/keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /admin/tenants/{id}/keys/{key_id}/revoke (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
  });
  afterAll(() => h?.close());

  const revoke = (tenantId: string, keyId: string, key = op.key) =>
    h.request("POST", `/admin/tenants/${tenantId}/keys/${keyId}/revoke`, { key });

  it("revokes a tenant's key: it answers 401 from then on", async () => {
    const acme = await h.tenant({ name: "acme" });
    const k = KeyResource.parse(await expectJson(await revoke(acme.tenantId, acme.keyId), 200));
    expect(k).toMatchObject({ id: acme.keyId, tenant_id: acme.tenantId });
    expect(k.revoked_at).not.toBeNull();
    await expectProblem(await h.request("GET", "/v1/jobs", { key: acme.key }), 401, "unauthorized");
  });

  it("a key id under the wrong tenant is a 404 and the key keeps working", async () => {
    const acme = await h.tenant({ name: "acme" });
    const other = await h.tenant({ name: "other" });
    await expectProblem(await revoke(other.tenantId, acme.keyId), 404, "not_found");
    await expectProblem(await revoke(acme.tenantId, "key_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
  });

  it("a tenant admin cannot use it, not even on its own keys (403)", async () => {
    const acme = await h.tenant({ name: "acme", scopes: ["admin", "jobs:read"] });
    await expectProblem(await revoke(acme.tenantId, acme.keyId, acme.key), 403, "forbidden");
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
  });
});
