// GET /v1/usage?group_by= against PGlite and Postgres: buckets per UTC day, model and strategy, period bounds, isolation.
import { usageEvents } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";
import { type UsageFields, usageEventRow } from "../../../../test/billing.js";
import type { UsageSummary } from "./summary.js";

describe.each(BACKENDS)("GET /v1/usage?group_by= (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let other: Seeded;

  /** One usage event at `at` (ISO, UTC) for a fresh phase of `jobId`. */
  const event = (tenantId: string, jobId: string, at: string, fields: Omit<UsageFields, "jobId">) =>
    usageEventRow(tenantId, new Date(at), { ...fields, jobId });

  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["usage:read"] });
    other = await h.tenant({ name: "other", scopes: ["usage:read"] });
    const j1 = await h.seedJob(acme.tenantId, { strategy: "majority" });
    const j2 = await h.seedJob(acme.tenantId, { strategy: "best_of_n" });
    const j3 = await h.seedJob(other.tenantId);
    await h.db.insert(usageEvents).values([
      event(acme.tenantId, j1.id, "2026-10-01T00:00:00Z", { prompt: 10, generated: 20, flops: 1e9 }),
      event(acme.tenantId, j1.id, "2026-10-01T23:59:59Z", { model: "orm", verifier: 30, flops: 0.5e9 }),
      event(acme.tenantId, j2.id, "2026-10-01T12:00:00Z", { strategy: "best_of_n", prompt: 5, generated: 7, flops: 2e9 }),
      event(acme.tenantId, j2.id, "2026-10-31T23:59:59Z", { strategy: "best_of_n", model: "orm", verifier: 3, flops: 0.25e9 }),
      // Outside October (UTC), and another tenant's usage inside it: neither counts.
      event(acme.tenantId, j1.id, "2026-09-30T23:59:59Z", { prompt: 1000 }),
      event(acme.tenantId, j2.id, "2026-11-01T00:00:00Z", { prompt: 1000 }),
      event(other.tenantId, j3.id, "2026-10-01T10:00:00Z", { prompt: 1000, flops: 9e9 }),
    ]);
  });
  afterAll(() => h?.close());

  const get = async (query: string, key = acme.key) => expectJson<UsageSummary>(await h.request("GET", `/v1/usage?${query}`, { key }), 200);

  it("sums per UTC day, inside the month only", async () => {
    expect(await get("period=2026-10&group_by=day")).toEqual({
      object: "usage_summary",
      tenant_id: acme.tenantId,
      period: "2026-10",
      group_by: "day",
      data: [
        { key: "2026-10-01", prompt_tokens: 15, generated_tokens: 27, verifier_tokens: 30, flops: 3.5e9, credits: 72, jobs: 2 },
        { key: "2026-10-31", prompt_tokens: 0, generated_tokens: 0, verifier_tokens: 3, flops: 0.25e9, credits: 3, jobs: 1 },
      ],
    });
  });

  it("sums per model and per strategy", async () => {
    expect((await get("period=2026-10&group_by=model")).data).toEqual([
      { key: "orm", prompt_tokens: 0, generated_tokens: 0, verifier_tokens: 33, flops: 0.75e9, credits: 33, jobs: 2 },
      { key: "policy", prompt_tokens: 15, generated_tokens: 27, verifier_tokens: 0, flops: 3e9, credits: 42, jobs: 2 },
    ]);
    expect((await get("period=2026-10&group_by=strategy")).data).toEqual([
      { key: "best_of_n", prompt_tokens: 5, generated_tokens: 7, verifier_tokens: 3, flops: 2.25e9, credits: 15, jobs: 1 },
      { key: "majority", prompt_tokens: 10, generated_tokens: 20, verifier_tokens: 30, flops: 1.5e9, credits: 60, jobs: 1 },
    ]);
  });

  it("shows each tenant only its own usage", async () => {
    expect((await get("period=2026-10&group_by=strategy", other.key)).data).toEqual([
      { key: "majority", prompt_tokens: 1000, generated_tokens: 0, verifier_tokens: 0, flops: 9e9, credits: 1000, jobs: 1 },
    ]);
  });

  it("an empty month has no buckets; the current month is the default", async () => {
    expect((await get("period=2020-01&group_by=day")).data).toEqual([]);
    const fresh = await h.tenant({ name: "fresh", scopes: ["usage:read"] });
    expect(await get("group_by=model", fresh.key)).toMatchObject({ period: new Date().toISOString().slice(0, 7), data: [] });
  });

  it("without group_by the response is still the credit balance", async () => {
    expect(await get("period=2026-10")).toMatchObject({ object: "credit_usage", tenant_id: acme.tenantId, period: "2026-10" });
  });

  it.each(["group_by=week", "group_by=", "group_by=DAY", "group_by=day&period=2026-13"])("rejects %s (400)", async (query) => {
    await expectProblem(await h.request("GET", `/v1/usage?${query}`, { key: acme.key }), 400, "validation_failed");
  });

  it("needs a key (401)", async () => {
    await expectProblem(await h.request("GET", "/v1/usage?group_by=day"), 401);
  });
});
