// POST /v1/jobs/batch with Idempotency-Key against PGlite and Postgres: the whole batch replays, keys scoped per tenant.
import type { JobResource } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { creditBalance, idempotencyKeys } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

const JOB = { question: "2+2?", strategy: "greedy", max_tokens: 16 };
const COST = jobCreditBudget({ n: 1, max_tokens: 16 }, "2+2?", "greedy");
type Batch = { object: string; data: JobResource[] };
const ids = (b: Batch) => b.data.map((j) => j.id);

describe.each(BACKENDS)("POST /v1/jobs/batch Idempotency-Key (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["jobs:write", "jobs:read"] });
  });
  afterAll(() => h?.close());

  const post = (key: string, body: string, opts: { type?: string; apiKey?: string } = {}) =>
    h.request("POST", "/v1/jobs/batch", {
      key: opts.apiKey ?? acme.key,
      body,
      headers: { "content-type": opts.type ?? "application/json", "idempotency-key": key },
    });
  const postJobs = (key: string, jobs: unknown[], apiKey?: string) => post(key, JSON.stringify({ jobs }), { apiKey });
  const ndjson = (jobs: unknown[]) => jobs.map((j) => JSON.stringify(j)).join("\n");

  it("same key and same jobs replay the first batch: same status, same ids, nothing new queued or reserved", async () => {
    const jobs = [{ question: "1+1?" }, { question: "2+2?", strategy: "majority", n: 3 }, JOB];
    const first = await postJobs("batch-1", jobs);
    const made = await expectJson<Batch>(first, 201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const count = await h.jobCount();
    const reserved = (await creditBalance(h.db, acme.tenantId)).reserved;

    // Field order and explicit defaults do not make a different request.
    const again = await postJobs("batch-1", [{ question: "1+1?" }, { n: 3, question: "2+2?", strategy: "majority", temperature: 0.8 }, JOB]);
    const replayed = await expectJson<Batch>(again, 201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(replayed).toEqual(made);
    expect(await h.jobCount()).toBe(count);
    expect((await creditBalance(h.db, acme.tenantId)).reserved).toBe(reserved);

    // A replay shows the jobs as they are now.
    await expectJson(await h.request("POST", `/v1/jobs/${made.data[1]!.id}/cancel`, { key: acme.key }), 200);
    const later = await expectJson<Batch>(await postJobs("batch-1", jobs), 201);
    expect(ids(later)).toEqual(ids(made));
    expect(later.data.map((j) => j.status)).toEqual(["queued", "canceled", "queued"]);
    expect(await h.jobCount()).toBe(count);
  });

  it("same key with other jobs is a 422 that queues and reserves nothing", async () => {
    await expectJson(await postJobs("batch-2", [JOB, JOB]), 201);
    const count = await h.jobCount();
    const reserved = (await creditBalance(h.db, acme.tenantId)).reserved;
    await expectProblem(await postJobs("batch-2", [JOB]), 422, "idempotency_mismatch");
    await expectProblem(await postJobs("batch-2", [JOB, { ...JOB, question: "3+3?" }]), 422, "idempotency_mismatch");
    await expectProblem(await postJobs("batch-2", [JOB, JOB, JOB]), 422, "idempotency_mismatch");
    await expectProblem(await post("batch-2", ndjson([JOB, { question: "9?" }]), { type: "application/x-ndjson" }), 422, "idempotency_mismatch");
    expect(await h.jobCount()).toBe(count);
    expect((await creditBalance(h.db, acme.tenantId)).reserved).toBe(reserved);
  });

  it("a key used by POST /v1/jobs is another request to the batch, and the other way round", async () => {
    await expectJson(await h.request("POST", "/v1/jobs", { key: acme.key, json: JOB, headers: { "idempotency-key": "single-1" } }), 201);
    await expectJson(await postJobs("batch-3", [JOB]), 201);
    const count = await h.jobCount();
    await expectProblem(await postJobs("single-1", [JOB]), 422, "idempotency_mismatch");
    await expectProblem(await h.request("POST", "/v1/jobs", { key: acme.key, json: JOB, headers: { "idempotency-key": "batch-3" } }), 422, "idempotency_mismatch");
    expect(await h.jobCount()).toBe(count);
  });

  it("NDJSON replays, and the same jobs as JSON are the same request", async () => {
    const jobs = [{ question: "4+4?" }, { question: "5+5?", strategy: "majority" }];
    const first = await expectJson<Batch>(await post("lines-1", ndjson(jobs), { type: "application/x-ndjson" }), 201);
    const count = await h.jobCount();
    const again = await post("lines-1", `${ndjson(jobs)}\n\n`, { type: "application/x-ndjson; charset=utf-8" });
    expect(ids(await expectJson<Batch>(again, 201))).toEqual(ids(first));
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const asJson = await postJobs("lines-1", jobs);
    expect(ids(await expectJson<Batch>(asJson, 201))).toEqual(ids(first));
    expect(asJson.headers.get("idempotent-replayed")).toBe("true");
    expect(await h.jobCount()).toBe(count);
  });

  it("keys are per tenant: another tenant's identical key and jobs queue its own batch and never see ours", async () => {
    const rival = await h.tenant({ name: "rival" });
    const ours = await expectJson<Batch>(await postJobs("shared", [JOB, JOB]), 201);
    const res = await postJobs("shared", [JOB, JOB], rival.key);
    const theirs = await expectJson<Batch>(res, 201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect(ids(theirs).filter((id) => ids(ours).includes(id))).toEqual([]);
    for (const id of ids(theirs)) expect((await h.job(id))?.tenantId).toBe(rival.tenantId);
    // Each tenant's retry replays its own batch.
    expect(ids(await expectJson<Batch>(await postJobs("shared", [JOB, JOB], rival.key), 201))).toEqual(ids(theirs));
    expect(ids(await expectJson<Batch>(await postJobs("shared", [JOB, JOB]), 201))).toEqual(ids(ours));
  });

  it("concurrent identical requests queue one batch; the others replay it", async () => {
    const count = await h.jobCount();
    const res = await Promise.all(Array.from({ length: 6 }, () => postJobs("burst", [JOB, { question: "6+6?", seed: 1 }, JOB])));
    const batches = await Promise.all(res.map((r) => expectJson<Batch>(r, 201)));
    expect(new Set(batches.map((b) => ids(b).join(","))).size).toBe(1);
    expect(res.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(5);
    expect(await h.jobCount()).toBe(count + 3);
  });

  it("a batch refused for credits leaves the key unclaimed: the same request goes through once credits fit", async () => {
    const tenant = await h.tenant({ name: "budgeted", monthlyCredits: 2 * COST });
    const keys = await h.db.$count(idempotencyKeys);
    await expectProblem(await postJobs("tight", [JOB, JOB, JOB], tenant.key), 402, "credits_exhausted");
    expect(await h.db.$count(idempotencyKeys)).toBe(keys);
    const res = await postJobs("tight", [JOB, JOB], tenant.key);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
    expect((await expectJson<Batch>(res, 201)).data).toHaveLength(2);
  });

  it("rejects a malformed key (400) and writes nothing", async () => {
    const count = await h.jobCount();
    const body = await expectProblem(await postJobs("a b", [JOB]), 400, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "header.idempotency-key" })]);
    expect(await h.jobCount()).toBe(count);
  });
});
