// POST /v1/jobs/{id}/cancel against PGlite and Postgres: queued → canceled (200), running → flagged (202), finished → 409.
import { JobResource, type JobStatus } from "@thinktime/core";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/jobs/{id}/cancel (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  const cancel = (id: string, key = acme.key) => h.request("POST", `/v1/jobs/${id}/cancel`, { key });

  it("cancels a queued job at once (200)", async () => {
    const created = await expectJson<JobResource>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "5-1?" } }), 201);
    const job = JobResource.parse(await expectJson(await cancel(created.id), 200));
    expect(job).toMatchObject({ id: created.id, status: "canceled", cancel_requested: false });
    expect(job.finished_at).not.toBeNull();
    const row = await h.job(created.id);
    expect(row).toMatchObject({ status: "canceled" });
    expect(row?.finishedAt?.toISOString()).toBe(job.finished_at);
  });

  it("flags a running job for the generator (202) and leaves it running", async () => {
    const seeded = await h.seedJob(acme.tenantId, { status: "running", startedAt: new Date(), leaseOwner: "gen-1", leaseExpiresAt: new Date(Date.now() + 60_000) });
    const job = await expectJson<JobResource>(await cancel(seeded.id), 202);
    expect(job).toMatchObject({ id: seeded.id, status: "running", cancel_requested: true, finished_at: null });
    expect(await h.job(seeded.id)).toMatchObject({ status: "running", cancelRequested: true, leaseOwner: "gen-1" });
    // Asking again is harmless.
    await expectJson(await cancel(seeded.id), 202);
  });

  it.each<JobStatus>(["succeeded", "failed", "canceled"])("refuses a %s job with 409 and changes nothing", async (status) => {
    const finishedAt = new Date("2025-02-03T04:05:06.000Z");
    const seeded = await h.seedJob(acme.tenantId, { status, finishedAt });
    await expectProblem(await cancel(seeded.id), 409, "conflict");
    expect(await h.job(seeded.id)).toMatchObject({ status, finishedAt, cancelRequested: false });
  });

  it.each(["job_0000000000aaaaaaaaaaaaaaaa", "nope", encodeURIComponent("job_\u0000")])("answers 404 for the unknown id %s", async (id) => {
    await expectProblem(await cancel(id), 404, "not_found");
  });

  it("needs the jobs:write scope (403) and changes nothing", async () => {
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read"] });
    const seeded = await h.seedJob(acme.tenantId);
    await expectProblem(await cancel(seeded.id, reader.key), 403, "forbidden");
    expect(await h.job(seeded.id)).toMatchObject({ status: "queued" });
  });

  it("is not reachable with GET", async () => {
    const seeded = await h.seedJob(acme.tenantId);
    await expectProblem(await h.request("GET", `/v1/jobs/${seeded.id}/cancel`, { key: acme.key }), 404, "not_found");
    expect(await h.job(seeded.id)).toMatchObject({ status: "queued" });
  });
});
