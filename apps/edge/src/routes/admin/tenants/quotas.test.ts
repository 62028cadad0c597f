// PATCH /admin/tenants/{id}/quotas against PGlite and Postgres: quotas change and take effect; operators only.
import { TenantResource } from "@thinktime/core/api/tenants";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("PATCH /admin/tenants/{id}/quotas (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
    acme = await h.tenant({ name: "acme", scopes: ["admin", "jobs:write", "jobs:read"] });
  });
  afterAll(() => h?.close());

  const patch = (json: unknown, id = acme.tenantId, key = op.key) => h.request("PATCH", `/admin/tenants/${id}/quotas`, { key, json });

  it("sets quotas, leaves unnamed ones alone, and null makes one unlimited", async () => {
    let t = TenantResource.parse(await expectJson(await patch({ monthly_credits: 0 }), 200));
    expect(t.quotas).toEqual({ requests_per_minute: null, monthly_credits: 0 });
    // Zero credits: nothing can be submitted.
    await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 402, "credits_exhausted");
    t = await expectJson<TenantResource>(await patch({ requests_per_minute: 100 }), 200);
    expect(t.quotas).toEqual({ requests_per_minute: 100, monthly_credits: 0 });
    t = await expectJson<TenantResource>(await patch({ monthly_credits: null }), 200);
    expect(t.quotas).toEqual({ requests_per_minute: 100, monthly_credits: null });
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 201);
    t = await expectJson<TenantResource>(await patch({}), 200);
    expect(t.quotas).toEqual({ requests_per_minute: 100, monthly_credits: null });
  });

  it.each([
    ["a fractional limit", { requests_per_minute: 1.5 }],
    ["a string", { monthly_credits: "1000" }],
    ["an unknown field", { operator: true }],
  ])("rejects %s (400)", async (_name, json) => {
    await expectProblem(await patch(json), 400, "validation_failed");
  });

  it("answers 404 for an unknown tenant", async () => {
    await expectProblem(await patch({ monthly_credits: 1 }, "ten_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
  });

  it("a tenant cannot raise its own quotas (403)", async () => {
    await expectProblem(await patch({ monthly_credits: null }, acme.tenantId, acme.key), 403, "forbidden");
  });
});
