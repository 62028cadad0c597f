// GET /admin/usage against PGlite and Postgres: every tenant's credits in a month; operators only.
import { CreditUsageList } from "@thinktime/core/api/tenants";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /admin/usage (%s)", (backend) => {
  let h: Harness;
  let op: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    op = await h.operator();
  });
  afterAll(() => h?.close());

  it("reports each tenant's limit, reserved and spent credits", async () => {
    const acme = await h.tenant({ name: "acme", monthlyCredits: 100_000, scopes: ["jobs:write", "usage:read"] });
    const idle = await h.tenant({ name: "idle" });
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "2+2?", n: 1, max_tokens: 8 } }), 201);
    const usage = CreditUsageList.parse(await expectJson(await h.request("GET", "/admin/usage", { key: op.key }), 200));
    const by = new Map(usage.data.map((u) => [u.tenant_id, u]));
    expect(by.get(acme.tenantId)).toMatchObject({ limit: 100_000, reserved: 2 * (4 + 512 + 8), spent: 0 });
    expect(by.get(idle.tenantId)).toMatchObject({ limit: null, reserved: 0, spent: 0, remaining: null });
    const old = await expectJson<CreditUsageList>(await h.request("GET", "/admin/usage?period=2001-01", { key: op.key }), 200);
    expect(old.data.every((u) => u.reserved === 0 && u.spent === 0)).toBe(true);
  });

  it("rejects a bad period (400) and non-operators (403)", async () => {
    await expectProblem(await h.request("GET", "/admin/usage?period=01-2026", { key: op.key }), 400, "validation_failed");
    const acme = await h.tenant({ name: "acme", scopes: ["admin", "usage:read"] });
    await expectProblem(await h.request("GET", "/admin/usage", { key: acme.key }), 403, "forbidden");
  });
});
