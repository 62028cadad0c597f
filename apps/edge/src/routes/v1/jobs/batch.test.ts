// POST /v1/jobs/batch on PGlite and Postgres: JSON and NDJSON, every bad item named, all or nothing, credits reserved whole.
import { type JobResource, LIMITS } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { createApiKey, creditBalance } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";
import { MAX_BATCH_JOBS } from "./batch.js";

const JOB = { question: "2+2?", strategy: "greedy", max_tokens: 16 };
const COST = jobCreditBudget({ n: 1, max_tokens: 16 }, "2+2?", "greedy");
type Batch = { object: string; data: JobResource[] };
type Errors = Array<{ path: string; message: string }>;

describe.each(BACKENDS)("POST /v1/jobs/batch (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  const post = (tenant: Seeded | null, body: string, type = "application/json") =>
    h.request("POST", "/v1/jobs/batch", { key: tenant?.key, body, headers: { "content-type": type } });
  const postJson = (tenant: Seeded | null, json: unknown) => post(tenant, JSON.stringify(json));

  it("queues every job of a JSON batch, in order, with params resolved as POST /v1/jobs does", async () => {
    const jobs = [{ question: "1+1?" }, { question: "2+2?", strategy: "majority", n: 4, seed: 3 }, { question: "3+3?", strategy: "greedy" }];
    const body = await expectJson<Batch>(await postJson(acme, { jobs }), 201);
    expect(body.object).toBe("list");
    expect(body.data.map((j) => [j.question, j.strategy, j.status])).toEqual([
      ["1+1?", "best_of_n", "queued"],
      ["2+2?", "majority", "queued"],
      ["3+3?", "greedy", "queued"],
    ]);
    expect(body.data[1]!.params).toMatchObject({ n: 4, seed: 3, temperature: 0.8 });
    expect(body.data[2]!.params).toMatchObject({ n: 1, temperature: 0 });
    for (const j of body.data) expect(await h.job(j.id)).toMatchObject({ tenantId: acme.tenantId, status: "queued" });
    // The same jobs POST /v1/jobs makes: GET finds each.
    await expectJson(await h.request("GET", `/v1/jobs/${body.data[0]!.id}`, { key: acme.key }), 200);
  });

  it.each(["application/x-ndjson", "application/x-ndjson; charset=utf-8"])("takes one job per line as %s", async (type) => {
    const lines = `${JSON.stringify({ question: "4+4?" })}\r\n\n${JSON.stringify({ question: "5+5?", strategy: "majority" })}\n`;
    const body = await expectJson<Batch>(await post(acme, lines, type), 201);
    expect(body.data.map((j) => j.question)).toEqual(["4+4?", "5+5?"]);
  });

  it("takes the most it allows", async () => {
    const body = await expectJson<Batch>(await postJson(acme, { jobs: Array.from({ length: MAX_BATCH_JOBS }, () => JOB) }), 201);
    expect(body.data).toHaveLength(MAX_BATCH_JOBS);
  });

  it("names every bad item of a JSON batch (422 batch_invalid) and queues none", async () => {
    const before = await h.jobCount();
    const jobs = [{ question: "ok?" }, { question: "" }, { question: "ok?" }, { question: "x", strategy: "beam", model: "gpt" }, 42];
    const body = await expectProblem(await postJson(acme, { jobs }), 422, "batch_invalid");
    const paths = (body.errors as Errors).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.jobs.1.question", "body.jobs.3.strategy", "body.jobs.3.model", "body.jobs.4"]));
    expect(paths.some((p) => /^body\.jobs\.[02]\b/.test(p))).toBe(false);
    expect(body.detail).toContain("jobs[1], jobs[3], jobs[4]");
    expect(await h.jobCount()).toBe(before);
  });

  it("names every bad line of an NDJSON batch by its line number and queues none", async () => {
    const before = await h.jobCount();
    const lines = [JSON.stringify(JOB), "{not json", "", JSON.stringify({ question: "q", n: LIMITS.maxN + 1 }), JSON.stringify(JOB)].join("\n");
    const body = await expectProblem(await post(acme, lines, "application/x-ndjson"), 422, "batch_invalid");
    expect(body.errors).toEqual([
      { path: "line.2", message: "not valid JSON" },
      { path: "line.4.n", message: expect.any(String) },
    ]);
    expect(body.detail).toContain("line.2, line.4");
    expect(await h.jobCount()).toBe(before);
  });

  const malformed: Array<[string, unknown, string]> = [
    ["no jobs", { jobs: [] }, "body.jobs"],
    ["too many jobs", { jobs: Array.from({ length: MAX_BATCH_JOBS + 1 }, () => JOB) }, "body.jobs"],
    ["jobs missing", {}, "body.jobs"],
    ["jobs not an array", { jobs: JOB }, "body.jobs"],
    ["an unknown top-level field", { jobs: [JOB], wait: 5 }, "body.wait"],
  ];
  it.each(malformed)("rejects %s with 400 validation_failed", async (_name, json, path) => {
    const before = await h.jobCount();
    const body = await expectProblem(await postJson(acme, json), 400, "validation_failed");
    expect((body.errors as Errors).map((e) => e.path)).toContain(path);
    expect(await h.jobCount()).toBe(before);
  });

  it("rejects an NDJSON batch that is empty or too long (400), bad JSON (400), other types (415), no body (400)", async () => {
    const before = await h.jobCount();
    await expectProblem(await post(acme, "\n\n", "application/x-ndjson"), 400, "validation_failed");
    const tooMany = Array.from({ length: MAX_BATCH_JOBS + 1 }, () => JSON.stringify({ question: "1?" })).join("\n");
    await expectProblem(await post(acme, tooMany, "application/x-ndjson"), 400, "validation_failed");
    await expectProblem(await post(acme, '{"jobs": ['), 400, "invalid_json");
    await expectProblem(await post(acme, "{}", "text/plain"), 415, "unsupported_media_type");
    await expectProblem(await h.request("POST", "/v1/jobs/batch", { key: acme.key }), 400, "validation_failed");
    expect(await h.jobCount()).toBe(before);
  });

  it("rejects a body over the size limit with 413", async () => {
    const jobs = Array.from({ length: 20 }, () => ({ question: "q".repeat(LIMITS.questionChars) }));
    await expectProblem(await postJson(acme, { jobs }), 413, "payload_too_large");
  });

  it("a budget too small for one item is a 422 naming it, and queues none", async () => {
    const before = await h.jobCount();
    const jobs = [JOB, { ...JOB, budget: { tokens: 1 } }];
    const body = await expectProblem(await postJson(acme, { jobs }), 422, "budget_too_small");
    expect(body.errors).toEqual([{ path: "body.jobs.1.budget.tokens", message: expect.stringMatching(/must be at least \d+/) }]);
    expect(await h.jobCount()).toBe(before);
  });

  it("reserves the whole batch's credits or none: 402 when they do not all fit", async () => {
    const tenant = await h.tenant({ name: "budgeted", monthlyCredits: 2 * COST });
    const body = await expectProblem(await postJson(tenant, { jobs: [JOB, JOB, JOB] }), 402, "credits_exhausted");
    expect(body.detail).toContain(`${3 * COST} credits`);
    expect(await creditBalance(h.db, tenant.tenantId)).toMatchObject({ reserved: 0, spent: 0 });
    const list = await expectJson<{ data: unknown[] }>(await h.request("GET", "/v1/jobs", { key: tenant.key }), 200);
    expect(list.data).toHaveLength(0);
    await expectJson(await postJson(tenant, { jobs: [JOB, JOB] }), 201);
    expect(await creditBalance(h.db, tenant.tenantId)).toMatchObject({ reserved: 2 * COST });
  });

  it("needs a key (401, before the body) with the jobs:write scope (403)", async () => {
    await expectProblem(await post(null, "{"), 401, "unauthorized");
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read"] });
    const before = await h.jobCount();
    await expectProblem(await h.request("POST", "/v1/jobs/batch", { key: reader.key, json: { jobs: [JOB] } }), 403, "forbidden");
    expect(await h.jobCount()).toBe(before);
  });

  it("the jobs belong to the caller: another tenant gets 404 for each", async () => {
    const body = await expectJson<Batch>(await postJson(acme, { jobs: [JOB, JOB] }), 201);
    const rival = await h.tenant({ name: "rival" });
    for (const j of body.data) {
      await expectProblem(await h.request("GET", `/v1/jobs/${j.id}`, { key: rival.key }), 404, "not_found");
      await expectProblem(await h.request("POST", `/v1/jobs/${j.id}/cancel`, { key: rival.key }), 404, "not_found");
      expect(await h.job(j.id)).toMatchObject({ tenantId: acme.tenantId, status: "queued" });
    }
  });
});
