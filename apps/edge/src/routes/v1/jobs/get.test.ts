// GET /v1/jobs/{id} against PGlite and Postgres: the job with candidates and summed usage; others' ids are 404s.
import { JobResource } from "@thinktime/core";
import { createApiKey, jobs } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/jobs/{id} (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("returns a job it just created", async () => {
    const created = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "3*3?" } }), 201);
    const got = JobResource.parse(await expectJson(await h.request("GET", `/v1/jobs/${created.id}`, { key: acme.key }), 200));
    expect(got).toEqual(created);
  });

  it("returns a finished job with result, candidates in index order and usage summed over its events", async () => {
    const started = new Date("2025-01-01T00:00:01.000Z");
    const finished = new Date("2025-01-01T00:00:02.500Z");
    const job = await h.seedJob(acme.tenantId, {
      status: "succeeded",
      result: { answer: "5", chosen: 1, votes: { "5": 1, "6": 1 } },
      startedAt: started,
      finishedAt: finished,
      withOutput: true,
    });
    const got = JobResource.parse(await expectJson(await h.request("GET", `/v1/jobs/${job.id}`, { key: acme.key }), 200));
    expect(got).toEqual({
      id: job.id,
      object: "job",
      status: "succeeded",
      question: "What is 2 + 3?",
      strategy: "majority",
      params: { n: 2, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64 },
      result: { answer: "5", chosen: 1, votes: { "5": 1, "6": 1 } },
      error: null,
      usage: { prompt_tokens: 10, generated_tokens: 18, verifier_tokens: 20, flops: 2e9 },
      cancel_requested: false,
      candidates: [
        { index: 0, text: "2+3=6. #### 6", answer: "6", tokens: 9, logprob: -3.25, score: null, finish_reason: "length", chosen: false },
        { index: 1, text: "2+3=5. #### 5", answer: "5", tokens: 9, logprob: -1.5, score: expect.closeTo(0.9, 5), finish_reason: "stop", chosen: true },
      ],
      created_at: job.createdAt.toISOString(),
      started_at: started.toISOString(),
      finished_at: finished.toISOString(),
    });
  });

  it("returns a failed job's error", async () => {
    const job = await h.seedJob(acme.tenantId, { status: "failed", error: { code: "model_error", message: "boom" }, finishedAt: new Date() });
    const got = await expectJson<JobResource>(await h.request("GET", `/v1/jobs/${job.id}`, { key: acme.key }), 200);
    expect(got).toMatchObject({ status: "failed", error: { code: "model_error", message: "boom" }, result: null, usage: null, candidates: [] });
  });

  it("works with a read-only key", async () => {
    const job = await h.seedJob(acme.tenantId);
    const reader = await h.tenant({ scopes: ["jobs:read"] });
    // A read-only key of another tenant sees nothing; one of the same tenant sees the job.
    await expectProblem(await h.request("GET", `/v1/jobs/${job.id}`, { key: reader.key }), 404, "not_found");
    const sameTenantReader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read"] });
    await expectJson(await h.request("GET", `/v1/jobs/${job.id}`, { key: sameTenantReader.key }), 200);
  });

  it("needs the jobs:read scope (403)", async () => {
    const writer = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write"] });
    const job = await h.seedJob(acme.tenantId);
    await expectProblem(await h.request("GET", `/v1/jobs/${job.id}`, { key: writer.key }), 403, "forbidden");
  });

  it.each([
    ["an unknown id", "job_0000000000aaaaaaaaaaaaaaaa"],
    ["a malformed id", "not-a-job"],
    ["an id with SQL in it", "job_x' OR '1'='1"],
    ["an id with a NUL byte", "job_\u0000"],
    ["an id in upper case", "JOB_0000000000AAAAAAAAAAAAAAAA"],
  ])("answers 404 for %s", async (_name, id) => {
    await expectProblem(await h.request("GET", `/v1/jobs/${encodeURIComponent(id)}`, { key: acme.key }), 404, "not_found");
  });

  it("answers 400 for an absurdly long id", async () => {
    await expectProblem(await h.request("GET", `/v1/jobs/${"j".repeat(200)}`, { key: acme.key }), 400, "validation_failed");
  });
});

describe.each(BACKENDS)("GET /v1/jobs/{id} with Prefer: wait (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  it("holds the request until the job finishes", async () => {
    const job = await h.seedJob(acme.tenantId, { status: "running", leaseOwner: "w", leaseExpiresAt: new Date(Date.now() + 60_000) });
    const finish = new Promise((r) => setTimeout(r, 300)).then(() =>
      h.db.update(jobs).set({ status: "succeeded", result: { answer: "5", chosen: 0 }, finishedAt: new Date() }).where(eq(jobs.id, job.id)),
    );
    const [res] = await Promise.all([h.request("GET", `/v1/jobs/${job.id}`, { key: acme.key, headers: { prefer: "wait=5" } }), finish]);
    expect(await expectJson(res, 200)).toMatchObject({ id: job.id, status: "succeeded" });
    expect(res.headers.get("preference-applied")).toBe("wait=5");
  });

  it("answers with the job as it stands when the wait runs out", async () => {
    const job = await h.seedJob(acme.tenantId);
    const res = await h.request("GET", `/v1/jobs/${job.id}`, { key: acme.key, headers: { prefer: "wait=1" } });
    expect(await expectJson(res, 200)).toMatchObject({ id: job.id, status: "queued" });
    expect(res.headers.get("preference-applied")).toBe("wait=1");
  });

  it("does not wait on another tenant's job: 404 at once", async () => {
    const job = await h.seedJob(acme.tenantId);
    const rival = await h.tenant({ name: "rival" });
    const started = Date.now();
    await expectProblem(await h.request("GET", `/v1/jobs/${job.id}`, { key: rival.key, headers: { prefer: "wait=30" } }), 404, "not_found");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
