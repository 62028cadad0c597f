// Per-tenant requests per minute against PGlite and Postgres: IETF RateLimit headers, 429 with Retry-After, per tenant.
import { rateLimitWindows } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness } from "../../test/harness.js";

describe.each(BACKENDS)("rate limits (%s)", (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.open(backend);
  });
  afterAll(() => h?.close());

  it("allows the tenant's requests per minute with RateLimit headers, then answers 429 with Retry-After", async () => {
    const acme = await h.tenant({ requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await h.request("GET", "/v1/jobs", { key: acme.key });
      await expectJson(res, 200);
      expect(res.headers.get("ratelimit-policy")).toBe('"tenant";q=3;w=60');
      expect(res.headers.get("ratelimit")).toMatch(new RegExp(`^"tenant";r=${2 - i};t=([1-9]|[1-5]\\d|60)$`));
      expect(res.headers.get("retry-after")).toBeNull();
    }
    const before = await h.jobCount();
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } });
    await expectProblem(res, 429, "rate_limited");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(res.headers.get("ratelimit-policy")).toBe('"tenant";q=3;w=60');
    expect(res.headers.get("ratelimit")).toBe(`"tenant";r=0;t=${retry}`);
    expect(await h.jobCount()).toBe(before);
  });

  it("counts every key of the tenant together, and no other tenant", async () => {
    const acme = await h.tenant({ name: "acme", requestsPerMinute: 2 });
    const second = await h.tenant({ name: "other", requestsPerMinute: 2 });
    const { createApiKey } = await import("@thinktime/db");
    const another = await createApiKey(h.db, acme.tenantId);
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
    await expectJson(await h.request("GET", "/v1/jobs", { key: another.key }), 200);
    await expectProblem(await h.request("GET", "/v1/jobs", { key: acme.key }), 429, "rate_limited");
    await expectJson(await h.request("GET", "/v1/jobs", { key: second.key }), 200);
  });

  it("a new window allows requests again", async () => {
    const acme = await h.tenant({ requestsPerMinute: 1 });
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
    await expectProblem(await h.request("GET", "/v1/jobs", { key: acme.key }), 429, "rate_limited");
    await h.db.delete(rateLimitWindows).where(eq(rateLimitWindows.tenantId, acme.tenantId)); // as if a minute passed
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
  });

  it("unlimited tenants get no rate-limit headers and no counter writes", async () => {
    const free = await h.tenant({ name: "free" });
    const res = await h.request("GET", "/v1/jobs", { key: free.key });
    await expectJson(res, 200);
    expect(res.headers.get("ratelimit")).toBeNull();
    expect(await h.db.$count(rateLimitWindows, eq(rateLimitWindows.tenantId, free.tenantId))).toBe(0);
  });

  it("unauthenticated requests do not use up a tenant's quota", async () => {
    const acme = await h.tenant({ requestsPerMinute: 1 });
    for (let i = 0; i < 3; i++) await expectProblem(await h.request("GET", "/v1/jobs", { key: `tt_${"Q".repeat(32)}` }), 401, "unauthorized");
    await expectJson(await h.request("GET", "/v1/jobs", { key: acme.key }), 200);
  });
});
