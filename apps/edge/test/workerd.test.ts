// The Worker entry in real workerd (wrangler dev, local) over Neon's driver → websockify → a migrated Postgres.
import { JobList, JobResource } from "@thinktime/core";
import { createApiKey, createTenant, createWebhookEndpoint, jobs, webhookDeliveries } from "@thinktime/db";
import { startWebhookReceiver } from "@thinktime/db/testing-webhooks";
import { createTestDatabase, type TestDatabase } from "@thinktime/db/testing";
import { startWebsockify, type WsProxy } from "@thinktime/db/websockify";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishTenantJob } from "./generator.js";
import { json, readSse } from "./sse.js";
import { startWrangler, type RunningWorker } from "./wrangler.js";

async function problem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as { code: string; request_id: string };
  expect(body.code).toBe(code);
  expect(body.request_id).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("worker on workerd", () => {
  let t: TestDatabase;
  let ws: WsProxy;
  let worker: RunningWorker;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await createTestDatabase("pg");
    ws = await startWebsockify();
    // The scheduled-handler test posts to a receiver on 127.0.0.1 over http: the dev setting allows that.
    worker = await startWrangler({ DATABASE_URL: t.url!, NEON_WS_PROXY: ws.address, WEBHOOK_ALLOW_INSECURE_URLS: "true" });
    const tenant = await createTenant(t.db, "acme");
    tenantId = tenant.id;
    key = (await createApiKey(t.db, tenant.id)).key;
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await ws?.stop();
    await t?.dispose();
  });

  const call = (method: string, path: string, body?: unknown, k: string | null = key) =>
    fetch(`${worker.url}${path}`, {
      method,
      headers: { ...(k ? { authorization: `Bearer ${k}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers health and the OpenAPI document", async () => {
    const h = await fetch(`${worker.url}/healthz`);
    expect(h.status).toBe(200);
    expect(h.headers.get("x-request-id")).toMatch(/^req_/);
    expect(((await (await fetch(`${worker.url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("serves the docs page (bundled, no file reads)", async () => {
    const res = await fetch(`${worker.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain('fetch("/openapi.json")');
  });

  it("creates, gets, lists and cancels a job through the Neon driver", async () => {
    const created = JobResource.parse(await (await call("POST", "/v1/jobs", { question: "7*6?", strategy: "majority", n: 3, seed: 1 })).json());
    expect(created).toMatchObject({ status: "queued", strategy: "majority", params: { n: 3, seed: 1 } });
    const [row] = await t.db.select().from(jobs).where(eq(jobs.id, created.id));
    expect(row).toMatchObject({ tenantId, status: "queued" });

    const got = await call("GET", `/v1/jobs/${created.id}`);
    expect(got.status).toBe(200);
    expect(JobResource.parse(await got.json())).toEqual(created);

    const list = JobList.parse(await (await call("GET", "/v1/jobs?limit=10")).json());
    expect(list.data.map((j) => j.id)).toContain(created.id);

    const canceled = await call("POST", `/v1/jobs/${created.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(((await canceled.json()) as { status: string }).status).toBe("canceled");
    await problem(await call("POST", `/v1/jobs/${created.id}/cancel`), 409, "conflict");
  });

  it("flags a running job for cancellation (202)", async () => {
    const created = JobResource.parse(await (await call("POST", "/v1/jobs", { question: "8-3?" })).json());
    await t.db.update(jobs).set({ status: "running", startedAt: new Date() }).where(eq(jobs.id, created.id));
    const res = await call("POST", `/v1/jobs/${created.id}/cancel`);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "running", cancel_requested: true });
  });

  it("refuses missing and unknown keys (401) and bad input (400), never 5xx", async () => {
    await problem(await call("GET", "/v1/jobs", undefined, null), 401, "unauthorized");
    await problem(await call("GET", "/v1/jobs", undefined, `tt_${"Z".repeat(32)}`), 401, "unauthorized");
    await problem(await call("POST", "/v1/jobs", "{nope"), 400, "invalid_json");
    await problem(await call("POST", "/v1/jobs", { question: "1+1?", n: 1000 }), 400, "validation_failed");
    await problem(await call("GET", "/v1/jobs?limit=0"), 400, "validation_failed");
  });

  it("the scheduled handler delivers due webhooks, signed", async () => {
    const receiver = await startWebhookReceiver();
    try {
      const hook = await createWebhookEndpoint(t.db, tenantId, { url: receiver.url, events: ["job.canceled"] });
      receiver.secret = hook.secret;
      const created = JobResource.parse(await (await call("POST", "/v1/jobs", { question: "5+5?" })).json());
      expect((await call("POST", `/v1/jobs/${created.id}/cancel`)).status).toBe(200);
      expect((await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
      const deadline = Date.now() + 30_000;
      while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: "job.canceled", data: { id: created.id } });
      for (let i = 0; i < 50; i++) {
        const [row] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, hook.row.id));
        if (row?.status === "delivered") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const [row] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, hook.row.id));
      expect(row).toMatchObject({ status: "delivered", attempts: 1 });
    } finally {
      await receiver.close();
    }
  });

  it("streams job events and a chat completion after the handler returned (the per-request database stays open)", async () => {
    const created = JobResource.parse(await (await call("POST", "/v1/jobs", { question: "9*9?" })).json());
    await t.db.update(jobs).set({ status: "succeeded", result: { answer: "81", chosen: null }, finishedAt: new Date() }).where(eq(jobs.id, created.id));
    const events = await readSse(await call("GET", `/v1/jobs/${created.id}/events`));
    expect(events.ended).toBe(true);
    expect(events.events.map((e) => e.event)).toEqual(["progress", "done"]);
    expect(json(events.events[1]!)).toMatchObject({ id: created.id, status: "succeeded" });

    const asker = await createTenant(t.db, "asker");
    const askerKey = (await createApiKey(t.db, asker.id)).key;
    const body = { model: "thinktime-greedy", messages: [{ role: "user", content: "6*7?" }], stream: true };
    const [res] = await Promise.all([call("POST", "/v1/chat/completions", body, askerKey), finishTenantJob(t.db, asker.id, { delayMs: 300 })]);
    const chat = await readSse(res);
    expect(chat.events.at(-1)?.data).toBe("[DONE]");
    expect(chat.events.map((e) => (e.data === "[DONE]" ? "" : json<{ choices: Array<{ delta: { content?: string } }> }>(e).choices[0]?.delta.content ?? "")).join("")).toBe(
      "12 * 7 = 84. #### 84",
    );
  });

  it("another tenant's job is a 404", async () => {
    const other = await createTenant(t.db, "other");
    const otherKey = (await createApiKey(t.db, other.id)).key;
    const created = JobResource.parse(await (await call("POST", "/v1/jobs", { question: "2^3?" })).json());
    await problem(await call("GET", `/v1/jobs/${created.id}`, undefined, otherKey), 404, "not_found");
  });
});

describe("worker on workerd without DATABASE_URL", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWrangler({});
  }, 180_000);
  afterAll(() => worker?.stop());

  it("fails closed: 500 misconfigured on every route", async () => {
    for (const path of ["/healthz", "/v1/jobs", "/openapi.json", "/nope"]) {
      await problem(await fetch(`${worker.url}${path}`), 500, "misconfigured");
    }
  });
});
