// POST and GET /admin/tenants/{id}/keys against PGlite and Postgres: keys for any tenant; operators only.
import { CreatedKeyResource, KeyList } from "@thinktime/core/api/keys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("/admin/tenants/{id}/keys (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
  });
  afterAll(() => h?.close());

  it("bootstraps a tenant: create it, give it an admin key, which then manages its own keys", async () => {
    const t = await expectJson<{ id: string }>(await h.request("POST", "/admin/tenants", { key: op.key, json: { name: "acme" } }), 201);
    const admin = CreatedKeyResource.parse(
      await expectJson(await h.request("POST", `/admin/tenants/${t.id}/keys`, { key: op.key, json: { name: "root", scopes: ["admin"] } }), 201),
    );
    expect(admin).toMatchObject({ tenant_id: t.id, scopes: ["admin"] });
    const own = await expectJson<CreatedKeyResource>(await h.request("POST", "/v1/keys", { key: admin.key, json: { name: "jobs" } }), 201);
    const list = KeyList.parse(await expectJson(await h.request("GET", `/admin/tenants/${t.id}/keys`, { key: op.key }), 200));
    expect(list.data.map((k) => k.id)).toEqual([own.id, admin.id]);
    expect(JSON.stringify(list)).not.toContain(admin.key);
    // The tenant's admin key is no operator's.
    await expectProblem(await h.request("GET", `/admin/tenants/${t.id}/keys`, { key: admin.key }), 403, "forbidden");
  });

  it.each(["ten_0000000000aaaaaaaaaaaaaaaa", "nope"])("answers 404 for tenant %s", async (id) => {
    await expectProblem(await h.request("POST", `/admin/tenants/${id}/keys`, { key: op.key, json: {} }), 404, "not_found");
    await expectProblem(await h.request("GET", `/admin/tenants/${id}/keys`, { key: op.key }), 404, "not_found");
  });

  it("rejects an unknown scope (400)", async () => {
    await expectProblem(await h.request("POST", `/admin/tenants/${op.tenantId}/keys`, { key: op.key, json: { scopes: ["root"] } }), 400, "validation_failed");
  });
});
