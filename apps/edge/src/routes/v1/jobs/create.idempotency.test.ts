// POST /v1/jobs with Idempotency-Key against PGlite and Postgres: Stripe's semantics, keys scoped per tenant.
import { JobResource } from "@thinktime/core";
import { creditBalance, idempotencyKeys } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/jobs Idempotency-Key (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  const submit = (key: string, json: unknown, apiKey = acme.key) =>
    h.request("POST", "/v1/jobs", { key: apiKey, json, headers: { "idempotency-key": key } });

  it("same key and same body return the same job, reserving credits once", async () => {
    const body = { question: "What is 6*7?", strategy: "majority", n: 3 };
    const first = await submit("order-1", body);
    const job = JobResource.parse(await expectJson(first, 201));
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const jobsBefore = await h.jobCount();
    const reserved = (await creditBalance(h.db, acme.tenantId)).reserved;
    // Field order and explicit defaults do not make a different request.
    const again = await submit("order-1", { n: 3, strategy: "majority", question: "What is 6*7?", temperature: 0.8 });
    expect(await expectJson<JobResource>(again, 201)).toEqual(job);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/v1/jobs/${job.id}`);
    expect(await h.jobCount()).toBe(jobsBefore);
    expect((await creditBalance(h.db, acme.tenantId)).reserved).toBe(reserved);
  });

  it("same key with a different body is a 422 that writes nothing", async () => {
    await expectJson(await submit("order-2", { question: "1+1?" }), 201);
    const before = await h.jobCount();
    await expectProblem(await submit("order-2", { question: "1+2?" }), 422, "idempotency_mismatch");
    await expectProblem(await submit("order-2", { question: "1+1?", n: 4 }), 422, "idempotency_mismatch");
    expect(await h.jobCount()).toBe(before);
  });

  it("concurrent retries with one key create one job", async () => {
    const res = await Promise.all(Array.from({ length: 8 }, () => submit("burst", { question: "3+3?", seed: 1 })));
    const ids = await Promise.all(res.map(async (r) => (await expectJson<JobResource>(r, 201)).id));
    expect(new Set(ids).size).toBe(1);
    expect(res.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(7);
  });

  it("keys are per tenant: another tenant's identical key makes its own job and never sees ours", async () => {
    const rival = await h.tenant({ name: "rival" });
    const ours = await expectJson<JobResource>(await submit("shared", { question: "5+5?" }), 201);
    const theirs = await submit("shared", { question: "5+5?" }, rival.key);
    const job = await expectJson<JobResource>(theirs, 201);
    expect(job.id).not.toBe(ours.id);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect((await h.job(job.id))?.tenantId).toBe(rival.tenantId);
  });

  it.each([
    ["empty", ""],
    ["too long", "k".repeat(256)],
    ["with a space", "a b"],
    ["non-ASCII", "clé"],
  ])("rejects a key that is %s (400) and writes nothing", async (_name, key) => {
    const before = await h.db.$count(idempotencyKeys);
    const jobs = await h.jobCount();
    const res = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" }, headers: { "idempotency-key": key } });
    const body = await expectProblem(res, 400, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "header.idempotency-key" })]);
    expect(await h.db.$count(idempotencyKeys)).toBe(before);
    expect(await h.jobCount()).toBe(jobs);
  });

  it("without the jobs:write scope a key is refused before the idempotency key is claimed", async () => {
    const reader = await h.tenant({ name: "reader", scopes: ["jobs:read"] });
    const before = await h.db.$count(idempotencyKeys);
    await expectProblem(await submit("r-1", { question: "1+1?" }, reader.key), 403, "forbidden");
    expect(await h.db.$count(idempotencyKeys)).toBe(before);
  });
});
