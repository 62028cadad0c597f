// GET /admin/tenants and /admin/tenants/{id} against PGlite and Postgres: paginated list and one tenant; operators only.
import { TenantList, TenantResource } from "@thinktime/core/api/tenants";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /admin/tenants[/{id}] (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
    acme = await h.tenant({ name: "acme", requestsPerMinute: 60, scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  it("gets one tenant", async () => {
    const t = TenantResource.parse(await expectJson(await h.request("GET", `/admin/tenants/${acme.tenantId}`, { key: op.key }), 200));
    expect(t).toMatchObject({ id: acme.tenantId, name: "acme", quotas: { requests_per_minute: 60, monthly_credits: null } });
  });

  it("lists tenants oldest first, page by page", async () => {
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await h.tenant({ name: `t${i}` }));
    const all = [op.tenantId, acme.tenantId, ...more.map((m) => m.tenantId)];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const page = TenantList.parse(await expectJson(await h.request("GET", `/admin/tenants?limit=2${q}`, { key: op.key }), 200));
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((t) => t.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it.each(["ten_0000000000aaaaaaaaaaaaaaaa", "nope"])("answers 404 for %s", async (id) => {
    await expectProblem(await h.request("GET", `/admin/tenants/${id}`, { key: op.key }), 404, "not_found");
  });

  it.each(["limit=0", "limit=101", "cursor=nope"])("rejects %s (400)", async (q) => {
    await expectProblem(await h.request("GET", `/admin/tenants?${q}`, { key: op.key }), 400, "validation_failed");
  });

  it("a tenant's own admin key cannot read tenants, not even its own (403)", async () => {
    await expectProblem(await h.request("GET", `/admin/tenants/${acme.tenantId}`, { key: acme.key }), 403, "forbidden");
    await expectProblem(await h.request("GET", "/admin/tenants", { key: acme.key }), 403, "forbidden");
  });
});
