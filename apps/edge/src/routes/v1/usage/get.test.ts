// GET /v1/usage against PGlite and Postgres: the tenant's own credits this month (or a given month), usage:read only.
import { creditPeriod } from "@thinktime/core/api/credits";
import { CreditUsageResource } from "@thinktime/core/api/tenants";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/usage (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["jobs:write", "usage:read"], monthlyCredits: 1_000_000 });
  });
  afterAll(() => h?.close());

  it("shows credits reserved by a queued job, and nothing for another month", async () => {
    const empty = CreditUsageResource.parse(await expectJson(await h.request("GET", "/v1/usage", { key: acme.key }), 200));
    expect(empty).toEqual({ object: "credit_usage", tenant_id: acme.tenantId, period: creditPeriod(), limit: 1_000_000, reserved: 0, spent: 0, remaining: 1_000_000 });
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?", n: 2, max_tokens: 10 } }), 201);
    const after = await expectJson<CreditUsageResource>(await h.request("GET", "/v1/usage", { key: acme.key }), 200);
    // n * 2 * (question + 512 prompt overhead + max_tokens)
    expect(after).toMatchObject({ reserved: 2 * 2 * (4 + 512 + 10), spent: 0, remaining: 1_000_000 - 2104 });
    const other = await expectJson<CreditUsageResource>(await h.request("GET", "/v1/usage?period=2020-01", { key: acme.key }), 200);
    expect(other).toMatchObject({ period: "2020-01", reserved: 0, spent: 0 });
  });

  it("an unlimited tenant has no limit and no remaining", async () => {
    const free = await h.tenant({ name: "free", scopes: ["usage:read"] });
    expect(await expectJson(await h.request("GET", "/v1/usage", { key: free.key }), 200)).toMatchObject({ limit: null, remaining: null, tenant_id: free.tenantId });
  });

  it.each(["2026-13", "2026-1", "last-month", "2026-01-01"])("rejects period=%s (400)", async (period) => {
    await expectProblem(await h.request("GET", `/v1/usage?period=${period}`, { key: acme.key }), 400, "validation_failed");
  });

  it("needs the usage:read scope (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "jobs:write"] });
    await expectProblem(await h.request("GET", "/v1/usage", { key: k.key }), 403, "forbidden");
  });
});
