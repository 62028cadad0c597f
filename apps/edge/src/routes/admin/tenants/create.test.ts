// POST /admin/tenants against PGlite and Postgres: operator admin keys only; never an operator tenant from a request.
import { TenantResource } from "@thinktime/core/api/tenants";
import { createApiKey, tenants } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /admin/tenants (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
  });
  afterAll(() => h?.close());

  const create = (json: unknown, key = op.key) => h.request("POST", "/admin/tenants", { key, json });

  it("creates a tenant with quotas", async () => {
    const res = await create({ name: "  acme  ", requests_per_minute: 120, monthly_credits: 5000 });
    const t = TenantResource.parse(await expectJson(res, 201));
    expect(t).toMatchObject({ object: "tenant", name: "acme", quotas: { requests_per_minute: 120, monthly_credits: 5000 } });
    expect(t.id).toMatch(/^ten_[0-9a-z]{26}$/);
    expect(res.headers.get("location")).toBe(`/admin/tenants/${t.id}`);
    const [row] = await h.db.select().from(tenants).where(eq(tenants.id, t.id));
    expect(row).toMatchObject({ operator: false, requestsPerMinute: 120, monthlyCredits: 5000 });
  });

  it("defaults to unlimited quotas", async () => {
    expect(await expectJson(await create({ name: "free" }), 201)).toMatchObject({ quotas: { requests_per_minute: null, monthly_credits: null } });
  });

  it.each([
    ["no name", {}],
    ["a blank name", { name: "  " }],
    ["operator: true", { name: "evil", operator: true }],
    ["a zero rate limit", { name: "x", requests_per_minute: 0 }],
    ["negative credits", { name: "x", monthly_credits: -1 }],
  ])("rejects %s (400) and creates nothing", async (_name, json) => {
    const before = await h.db.$count(tenants);
    await expectProblem(await create(json), 400, "validation_failed");
    expect(await h.db.$count(tenants)).toBe(before);
  });

  it("refuses tenant admin keys that are not an operator's (403)", async () => {
    const tenantAdmin = await h.tenant({ name: "acme", scopes: ["admin", "jobs:write", "jobs:read", "usage:read"] });
    const before = await h.db.$count(tenants);
    await expectProblem(await create({ name: "x" }, tenantAdmin.key), 403, "forbidden");
    expect(await h.db.$count(tenants)).toBe(before);
  });

  it("refuses an operator's keys without the admin scope (403)", async () => {
    const k = await createApiKey(h.db, op.tenantId, { scopes: ["jobs:read", "jobs:write", "usage:read"] });
    await expectProblem(await create({ name: "x" }, k.key), 403, "forbidden");
  });
});
