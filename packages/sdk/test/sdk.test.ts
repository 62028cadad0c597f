// The SDK against the real edge over loopback HTTP and a real database: round trips, streams, waits and problems.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "../../../apps/edge/test/generator.js";
import { type JobEvent, type JobProgress, Thinktime, ThinktimeError } from "../src/index.js";
import { type Served, serve } from "./served.js";

let s: Served;
beforeAll(async () => {
  s = await serve();
});
afterAll(() => s?.close());

async function rejection(p: Promise<unknown>): Promise<ThinktimeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ThinktimeError);
  return err as ThinktimeError;
}

describe("jobs", () => {
  it("create, get, list and cancel round-trip through the API", async () => {
    const { client } = await s.tenant("roundtrip");
    const job = await client.jobs.create({ question: "What is 6 * 7?", strategy: "majority", n: 4, budget: { tokens: 5000 } });
    expect(job).toMatchObject({ object: "job", status: "queued", strategy: "majority", params: { n: 4, budget: { tokens: 5000 } }, candidates: [] });
    expect(await client.jobs.get(job.id)).toMatchObject({ id: job.id, question: "What is 6 * 7?" });
    const page = await client.jobs.list({ limit: 10 });
    expect(page.data.map((j) => j.id)).toEqual([job.id]);
    expect(page.next_cursor).toBeNull();
    const canceled = await client.jobs.cancel(job.id);
    expect(canceled).toMatchObject({ id: job.id, status: "canceled" });
  });

  it("listAll walks every page, newest first", async () => {
    const { client } = await s.tenant("pager");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await client.jobs.create({ question: `${i} + 1?`, strategy: "greedy" })).id);
    const seen: string[] = [];
    for await (const j of client.jobs.listAll({ limit: 2 })) seen.push(j.id);
    expect(seen).toEqual([...ids].reverse());
  });

  it("batch submits every job, in order", async () => {
    const { client } = await s.tenant("batcher");
    const jobs = await client.jobs.batch([{ question: "1 + 1?" }, { question: "2 + 2?", strategy: "greedy" }]);
    expect(jobs.map((j) => [j.question, j.status, j.strategy])).toEqual([
      ["1 + 1?", "queued", "best_of_n"],
      ["2 + 2?", "queued", "greedy"],
    ]);
    const err = await rejection(client.jobs.batch([{ question: "ok" }, { question: "bad", n: 0 }]));
    expect(err).toMatchObject({ status: 422, code: "batch_invalid" });
    expect(err.errors.map((e) => e.path)).toContain("body.jobs.1.n");
  });

  it("an Idempotency-Key gives back the same job", async () => {
    const { client } = await s.tenant("idem");
    const a = await client.jobs.create({ question: "3 + 4?" }, { idempotencyKey: "k-1" });
    const b = await client.jobs.create({ question: "3 + 4?" }, { idempotencyKey: "k-1" });
    expect(b.id).toBe(a.id);
  });

  it("events stream progress while the generator works, then done with the finished job", async () => {
    const t = await s.tenant("watcher");
    const job = await t.client.jobs.create({ question: "What is 12 * 7?", strategy: "majority", n: 2, budget: { tokens: 9000 } });
    const comments: string[] = [];
    const events: JobEvent[] = [];
    let firstEvent!: () => void;
    const streaming = new Promise<void>((r) => (firstEvent = r));
    const read = (async () => {
      for await (const e of t.client.jobs.events(job.id, { onComment: (c) => comments.push(c) })) {
        events.push(e);
        firstEvent();
      }
    })();
    // The generator claims the job once the stream has shown it queued, and works on it for a while.
    await Promise.all([read, streaming.then(() => finishTenantJob(s.h.db, t.tenantId, { delayMs: 1_200 }))]);
    const progress = events.filter((e) => e.type === "progress").map((e) => e.data as JobProgress);
    expect(progress.map((p) => p.status)).toEqual(["queued", "running", "succeeded"]);
    expect(progress.at(-1)).toMatchObject({ best_answer: "84", candidates: 2, budget: { tokens: 9000 }, spent: { tokens: 62, flops: 2.5e9 } });
    const done = events.at(-1);
    expect(done?.type).toBe("done");
    expect(done?.data).toMatchObject({ id: job.id, status: "succeeded", result: { answer: "84" } });
    // After done, a resumed stream has nothing more: it ends without events.
    const after: JobEvent[] = [];
    for await (const e of t.client.jobs.events(job.id, { lastEventId: "done" })) after.push(e);
    expect(after).toEqual([]);
  });

  it("waitFor reports progress and returns the finished job; create can wait server-side", async () => {
    const t = await s.tenant("waiter");
    const job = await t.client.jobs.create({ question: "What is 12 * 7?", strategy: "majority", n: 2 });
    const seen: string[] = [];
    const [done] = await Promise.all([
      t.client.jobs.waitFor(job.id, { onProgress: (p) => seen.push(p.status) }),
      finishTenantJob(s.h.db, t.tenantId, { delayMs: 600, answer: "85" }),
    ]);
    expect(done).toMatchObject({ id: job.id, status: "succeeded", result: { answer: "85" } });
    expect(done.candidates).toHaveLength(2);
    expect(seen.at(-1)).toBe("succeeded");

    const [waited] = await Promise.all([
      t.client.jobs.create({ question: "What is 2 + 2?", strategy: "greedy" }, { wait: 20 }),
      finishTenantJob(s.h.db, t.tenantId, { answer: "4" }),
    ]);
    expect(waited).toMatchObject({ status: "succeeded", result: { answer: "4" } });
  });
});

describe("problems become ThinktimeError", () => {
  it("401 for a bad key", async () => {
    const client = new Thinktime({ baseUrl: s.url, apiKey: "tt_not_a_real_key" });
    const err = await rejection(client.jobs.list());
    expect(err).toMatchObject({ status: 401, code: "unauthorized", title: expect.any(String), detail: expect.any(String) });
    expect(err.requestId).toMatch(/^req_/);
    expect(err.problem.request_id).toBe(err.requestId);
  });

  it("a failure without a problem body (a proxy's page) is still a ThinktimeError, through a caller's fetch", async () => {
    const proxy = async () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway", headers: { "x-request-id": "req_proxy" } });
    const err = await rejection(new Thinktime({ baseUrl: s.url, apiKey: "tt_x", fetch: proxy }).jobs.get("job_x"));
    expect(err).toMatchObject({ status: 502, code: "http_error", title: "Bad Gateway", detail: "<html>bad gateway</html>", requestId: "req_proxy" });
  });

  it("404 for another tenant's job", async () => {
    const owner = await s.tenant("owner");
    const other = await s.tenant("other");
    const job = await owner.client.jobs.create({ question: "mine?" });
    expect((await rejection(other.client.jobs.get(job.id))).status).toBe(404);
    expect((await rejection(other.client.jobs.cancel(job.id))).code).toBe("not_found");
    await expect(other.client.jobs.events(job.id).next()).rejects.toMatchObject({ status: 404 });
  });

  it("400 with the field errors for an invalid request", async () => {
    const { client } = await s.tenant("invalid");
    const err = await rejection(client.jobs.create({ question: "  ", n: 1000 }));
    expect(err).toMatchObject({ status: 400, code: "validation_failed" });
    expect(err.errors.map((e) => e.path).join(" ")).toMatch(/question/);
    expect(err.errors.map((e) => e.path).join(" ")).toMatch(/\bn\b/);
  });
});

describe("usage, keys, invoices", () => {
  it("reads the month's credits", async () => {
    const { client, tenantId } = await s.tenant("usage");
    const u = await client.usage.get();
    expect(u).toMatchObject({ object: "credit_usage", tenant_id: tenantId, spent: 0, reserved: 0 });
    expect((await client.usage.get({ period: "2026-01" })).period).toBe("2026-01");
    expect((await rejection(client.usage.get({ period: "2026-13" }))).status).toBe(400);
  });

  it("creates, lists, rotates and revokes keys", async () => {
    const t = await s.tenant("keys");
    const made = await t.client.keys.create({ name: "ci", scopes: ["jobs:read"] });
    expect(made).toMatchObject({ object: "api_key", name: "ci", scopes: ["jobs:read"], key: expect.stringMatching(/^tt_/) });
    expect((await t.client.keys.list()).data.map((k) => k.id)).toContain(made.id);
    const reader = new Thinktime({ baseUrl: s.url, apiKey: made.key });
    expect((await reader.jobs.list()).data).toEqual([]);
    expect((await rejection(reader.jobs.create({ question: "x" }))).status).toBe(403);
    const rotated = await t.client.keys.rotate(made.id);
    expect(rotated.id).not.toBe(made.id);
    expect((await rejection(reader.jobs.list())).status).toBe(401);
    const revoked = await t.client.keys.revoke(rotated.id);
    expect(revoked.revoked_at).not.toBeNull();
  });

  it("lists invoices and reads one", async () => {
    const { client } = await s.tenant("billing");
    const list = await client.invoices.list();
    expect(list.object).toBe("list");
    for (const inv of list.data) expect(await client.invoices.get(inv.id)).toMatchObject({ id: inv.id, line_items: expect.any(Array) });
    expect((await rejection(client.invoices.get("inv_nope"))).status).toBe(404);
  });
});
