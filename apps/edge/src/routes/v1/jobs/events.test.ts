// GET /v1/jobs/{id}/events on PGlite and Postgres: progress as the generator moves the job, done, Last-Event-ID, heartbeats, limits.
import type { JobResource } from "@thinktime/core";
import { createApiKey } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../../test/generator.js";
import { BACKENDS, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";
import { json, readSse } from "../../../../test/sse.js";
import type { EventStream } from "../../../lib/sse.js";
import { DONE_EVENT_ID, streamJobEvents } from "./events.js";
import type { JobProgress } from "./progress.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An EventStream that records what it is sent, for driving streamJobEvents directly with short timings. */
function recorder(signal = new AbortController().signal) {
  const sent: Array<{ event?: string; id?: string; retry?: number; data: unknown }> = [];
  const comments: string[] = [];
  const stream: EventStream = {
    signal,
    send: async (m) => void sent.push(m),
    comment: async (t) => void comments.push(t),
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms))),
  };
  return { stream, sent, comments };
}

describe.each(BACKENDS)("GET /v1/jobs/{id}/events (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant();
  });
  afterAll(() => h?.close());

  const events = (tenant: Seeded, id: string, headers: Record<string, string> = {}) =>
    h.request("GET", `/v1/jobs/${id}/events`, { key: tenant.key, headers });

  it("streams progress as the job is claimed and finished, then done with the job, then ends", async () => {
    const tenant = await h.tenant({ name: "watcher" });
    const job = await h.seedJob(tenant.tenantId, { params: { n: 2, temperature: 0.8, top_p: 1, seed: 7, max_tokens: 64, budget: { tokens: 9000 } } });
    const res = await events(tenant, job.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // The generator claims it after a moment, works on it for a while, then completes it.
    const [read] = await Promise.all([readSse(res), sleep(300).then(() => finishTenantJob(h.db, tenant.tenantId, { delayMs: 1_200 }))]);
    expect(read.ended).toBe(true);
    const progress = read.events.filter((e) => e.event === "progress").map((e) => json<JobProgress>(e));
    expect(progress.map((p) => p.status)).toEqual(["queued", "running", "succeeded"]);
    expect(progress[0]).toMatchObject({ id: job.id, best_answer: null, candidates: 0, usage: null, budget: { tokens: 9000 }, spent: { tokens: 0, flops: 0 } });
    expect(progress[1]).toMatchObject({ status: "running", started_at: expect.any(String), finished_at: null });
    expect(progress[2]).toMatchObject({ best_answer: "84", candidates: 2, spent: { tokens: 62, flops: 2.5e9 }, finished_at: expect.any(String) });
    expect(read.events.at(-1)).toMatchObject({ event: "done", id: DONE_EVENT_ID });
    expect(json<JobResource>(read.events.at(-1)!)).toMatchObject({ id: job.id, status: "succeeded", result: { answer: "84" } });
    // Every progress event has its own id, so a reconnecting client says where it was.
    expect(new Set(read.events.map((e) => e.id)).size).toBe(read.events.length);
  });

  it("a finished job: its progress and done at once, then the stream ends", async () => {
    const job = await h.seedJob(acme.tenantId, { status: "succeeded", result: { answer: "5", chosen: 1 }, finishedAt: new Date(), withOutput: true });
    const read = await readSse(await events(acme, job.id));
    expect(read.ended).toBe(true);
    expect(read.events.map((e) => e.event)).toEqual(["progress", "done"]);
    const progress = json<JobProgress>(read.events[0]!);
    expect(progress).toMatchObject({ id: job.id, status: "succeeded", best_answer: "5", candidates: 2, spent: { tokens: 48, flops: 2e9 } });
    expect(read.events[0]!.retry).toBeGreaterThan(0);
    const done = json<JobResource>(read.events[1]!);
    expect(done).toMatchObject({ id: job.id, object: "job", status: "succeeded", usage: { verifier_tokens: 20 } });
    expect(done.candidates).toHaveLength(2);
    expect(read.events[1]!.id).toBe(DONE_EVENT_ID);
  });

  it("honours Last-Event-ID: no repeat of the progress seen, 204 after done, anything else starts over", async () => {
    const job = await h.seedJob(acme.tenantId, { status: "failed", error: { code: "model_error", message: "boom" }, finishedAt: new Date() });
    const first = await readSse(await events(acme, job.id));
    const seen = first.events[0]!.id!;
    const resumed = await readSse(await events(acme, job.id, { "last-event-id": seen }));
    expect(resumed.events.map((e) => e.event)).toEqual(["done"]);
    const after = await events(acme, job.id, { "last-event-id": DONE_EVENT_ID });
    expect(after.status).toBe(204);
    expect(await after.text()).toBe("");
    const unknown = await readSse(await events(acme, job.id, { "last-event-id": "from-another-server" }));
    expect(unknown.events.map((e) => e.event)).toEqual(["progress", "done"]);
  });

  it("404s another tenant's job and ids that do not exist, without streaming", async () => {
    const job = await h.seedJob(acme.tenantId);
    const rival = await h.tenant({ name: "rival" });
    const theirs = await expectProblem(await events(rival, job.id), 404, "not_found");
    const unknown = await expectProblem(await events(rival, "job_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    expect({ ...theirs, request_id: "" }).toEqual({ ...unknown, request_id: "" });
    await expectProblem(await events(acme, "not-a-job"), 404, "not_found");
    await expectProblem(await events(acme, "j".repeat(200)), 400, "validation_failed");
  });

  it("needs a key (401) with the jobs:read scope (403)", async () => {
    const job = await h.seedJob(acme.tenantId);
    await expectProblem(await h.request("GET", `/v1/jobs/${job.id}/events`), 401, "unauthorized");
    const writer = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write"] });
    await expectProblem(await h.request("GET", `/v1/jobs/${job.id}/events`, { key: writer.key }), 403, "forbidden");
  });

  describe("streamJobEvents", () => {
    const timing = { pollMs: 20, heartbeatMs: 150, lifetimeMs: 700, retryMs: 1_000 };

    it("sends heartbeats while nothing changes and ends after its lifetime", async () => {
      const job = await h.seedJob(acme.tenantId);
      const r = recorder();
      const started = Date.now();
      await streamJobEvents(h.db, job, r.stream, { timing });
      expect(Date.now() - started).toBeGreaterThanOrEqual(650);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(r.sent).toHaveLength(1);
      expect(r.sent[0]).toMatchObject({ event: "progress", retry: 1_000, data: { status: "queued", candidates: 0, usage: null } });
      expect(r.comments.filter((c) => c === "heartbeat").length).toBeGreaterThanOrEqual(2);
      expect(r.comments.at(-1)).toMatch(/reconnect with Last-Event-ID/);
    });

    it("stops polling as soon as the client goes away", async () => {
      const job = await h.seedJob(acme.tenantId);
      const client = new AbortController();
      const r = recorder(client.signal);
      setTimeout(() => client.abort(), 100);
      const started = Date.now();
      await streamJobEvents(h.db, job, r.stream, { timing: { ...timing, lifetimeMs: 60_000 } });
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });
});
