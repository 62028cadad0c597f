// Tenant isolation matrix: every route, called with another tenant's key on our ids, answers 404 or 403 and leaks nothing.
import { creditPeriod } from "@thinktime/core/api/credits";
import { createApiKey, createWebhookEndpoint, invoiceId, webhookDeliveries, webhookEndpoints, writeJobEvent } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, Harness, type Seeded } from "./harness.js";

interface Call {
  method: string;
  /** The OpenAPI path this call exercises. */
  route: string;
  path: string;
  json?: unknown;
  /** Headers besides the Idempotency-Key every call sends (which this may replace). */
  headers?: Record<string, string>;
  /** What the rival may get: 404/403 for our resources; 200/201 only for routes that act on its own tenant. */
  expect: number[];
}

describe.each(BACKENDS)("tenant isolation matrix (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let rival: Seeded;
  let secrets: string[];
  let calls: Call[];

  beforeAll(async () => {
    h = await Harness.open(backend);
    const all = ["jobs:write", "jobs:read", "usage:read", "admin"];
    acme = await h.tenant({ name: "acme-secret-name", scopes: all, monthlyCredits: 10_000_000 });
    // The rival holds every scope a tenant can have, admin included: still no operator.
    rival = await h.tenant({ name: "rival", scopes: all });
    const job = await h.seedJob(acme.tenantId, { status: "succeeded", finishedAt: new Date(), withOutput: true });
    const queued = await h.seedJob(acme.tenantId);
    const extra = await createApiKey(h.db, acme.tenantId, { name: "acme-extra-key" });
    const idem = await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "2+2?" }, headers: { "idempotency-key": "acme-idem" } });
    const idemJob = ((await idem.json()) as { id: string }).id;
    const batchIdem = await h.request("POST", "/v1/jobs/batch", {
      key: acme.key,
      json: { jobs: [{ question: "3+3?" }] },
      headers: { "idempotency-key": "acme-batch-idem" },
    });
    const batchIdemJob = ((await batchIdem.json()) as { data: Array<{ id: string }> }).data[0]!.id;
    const hook = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://acme-hooks.example.com/in", events: ["job.succeeded"] });
    await writeJobEvent(h.db, job);
    const [delivery] = await h.db.select().from(webhookDeliveries);
    await h.db.update(webhookDeliveries).set({ status: "delivered" });
    const invoice = await invoiceId(acme.tenantId, creditPeriod()); // acme's draft: seedJob wrote usage
    secrets = [
      acme.tenantId, job.id, queued.id, idemJob, extra.id, acme.keyId, extra.prefix, "acme-secret-name", "acme-extra-key",
      hook.row.id, hook.secret, "acme-hooks.example.com", delivery!.id, delivery!.eventId, invoice, batchIdemJob,
    ];
    const t = acme.tenantId;
    calls = [
      { method: "GET", route: "/v1/jobs/{id}", path: `/v1/jobs/${job.id}`, expect: [404] },
      { method: "POST", route: "/v1/jobs/{id}/cancel", path: `/v1/jobs/${queued.id}/cancel`, expect: [404] },
      { method: "GET", route: "/v1/jobs", path: "/v1/jobs?limit=100", expect: [200] },
      // Acme's Idempotency-Key and body sent by another tenant make the rival's own job, never a replay of acme's.
      { method: "POST", route: "/v1/jobs", path: "/v1/jobs", json: { question: "2+2?" }, expect: [201] },
      { method: "GET", route: "/v1/jobs/{id}/events", path: `/v1/jobs/${job.id}/events`, expect: [404] },
      // Acme's batch Idempotency-Key and body sent by another tenant make the rival's own (second) job, never a replay of acme's.
      {
        method: "POST",
        route: "/v1/jobs/batch",
        path: "/v1/jobs/batch",
        json: { jobs: [{ question: "3+3?" }] },
        headers: { "idempotency-key": "acme-batch-idem" },
        expect: [201],
      },
      { method: "GET", route: "/v1/models", path: "/v1/models", expect: [200] },
      // Acme's key and question through chat replay the rival's own job above (still queued, so a 504), never acme's.
      {
        method: "POST",
        route: "/v1/chat/completions",
        path: "/v1/chat/completions",
        json: { model: "thinktime-best-of-n", messages: [{ role: "user", content: "2+2?" }], thinktime: { wait: 0 } },
        expect: [504],
      },
      { method: "POST", route: "/v1/keys/{id}/revoke", path: `/v1/keys/${extra.id}/revoke`, expect: [404] },
      { method: "POST", route: "/v1/keys/{id}/rotate", path: `/v1/keys/${extra.id}/rotate`, expect: [404] },
      { method: "GET", route: "/v1/keys", path: "/v1/keys", expect: [200] },
      { method: "POST", route: "/v1/keys", path: "/v1/keys", json: { name: "mine" }, expect: [201] },
      { method: "GET", route: "/v1/usage", path: "/v1/usage", expect: [200] },
      { method: "GET", route: "/v1/webhooks", path: "/v1/webhooks", expect: [200] },
      { method: "POST", route: "/v1/webhooks", path: "/v1/webhooks", json: { url: "https://rival.example.com/in" }, expect: [201] },
      { method: "DELETE", route: "/v1/webhooks/{id}", path: `/v1/webhooks/${hook.row.id}`, expect: [404] },
      { method: "GET", route: "/v1/webhooks/{id}/deliveries", path: `/v1/webhooks/${hook.row.id}/deliveries`, expect: [404] },
      { method: "GET", route: "/v1/webhooks/{id}", path: `/v1/webhooks/${hook.row.id}`, expect: [404] },
      { method: "POST", route: "/v1/webhooks/{id}/rotate-secret", path: `/v1/webhooks/${hook.row.id}/rotate-secret`, expect: [404] },
      { method: "POST", route: "/v1/webhooks/{id}/enable", path: `/v1/webhooks/${hook.row.id}/enable`, expect: [404] },
      {
        method: "POST",
        route: "/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
        path: `/v1/webhooks/${hook.row.id}/deliveries/${delivery!.id}/replay`,
        expect: [404],
      },
      { method: "GET", route: "/v1/invoices", path: "/v1/invoices", expect: [200] },
      { method: "GET", route: "/v1/invoices/{id}", path: `/v1/invoices/${invoice}`, expect: [404] },
      { method: "GET", route: "/v1/invoices/{id}", path: `/v1/invoices/${invoice}.csv`, expect: [404] },
      { method: "GET", route: "/admin/tenants", path: "/admin/tenants", expect: [403] },
      { method: "POST", route: "/admin/tenants", path: "/admin/tenants", json: { name: "x" }, expect: [403] },
      { method: "GET", route: "/admin/tenants/{id}", path: `/admin/tenants/${t}`, expect: [403] },
      { method: "PATCH", route: "/admin/tenants/{id}/quotas", path: `/admin/tenants/${t}/quotas`, json: { monthly_credits: 0 }, expect: [403] },
      { method: "GET", route: "/admin/tenants/{id}/keys", path: `/admin/tenants/${t}/keys`, expect: [403] },
      { method: "POST", route: "/admin/tenants/{id}/keys", path: `/admin/tenants/${t}/keys`, json: {}, expect: [403] },
      { method: "POST", route: "/admin/tenants/{id}/keys/{key_id}/revoke", path: `/admin/tenants/${t}/keys/${extra.id}/revoke`, expect: [403] },
      { method: "GET", route: "/admin/usage", path: "/admin/usage", expect: [403] },
      { method: "GET", route: "/admin/prices", path: "/admin/prices", expect: [403] },
      { method: "POST", route: "/admin/prices", path: "/admin/prices", json: { model: "policy", currency: "credits", prompt_tokens: 0 }, expect: [403] },
      {
        method: "POST",
        route: "/admin/tenants/{id}/invoices/{period}/finalize",
        path: `/admin/tenants/${t}/invoices/2026-01/finalize`,
        expect: [403],
      },
    ];
  });
  afterAll(() => h?.close());

  it("covers every authenticated route of the OpenAPI document", async () => {
    const doc = (await (await h.request("GET", "/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.security).map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(calls.map((c) => `${c.method} ${c.route}`))).toEqual(new Set(routes));
  });

  it("the rival gets 404 or 403 on our resources and never any of our data", async () => {
    const jobsBefore = await h.jobCount();
    for (const call of calls) {
      const res = await h.request(call.method, call.path, {
        key: rival.key,
        json: call.json,
        headers: { "idempotency-key": "acme-idem", ...call.headers },
      });
      const text = await res.text();
      expect(call.expect, `${call.method} ${call.path}: ${res.status} ${text}`).toContain(res.status);
      // job_timeout (504) is the one 5xx a call may expect: it names a job of the caller's that is still queued.
      if (!call.expect.includes(504)) expect(res.status).toBeLessThan(500);
      for (const s of secrets) expect(text, `${call.method} ${call.path} leaked ${s}`).not.toContain(s);
    }
    // Nothing of ours changed: only the rival's own jobs were added (POST /v1/jobs, the batch), and our keys and jobs still work.
    expect(await h.jobCount()).toBe(jobsBefore + 2);
    const ours = await h.request("GET", "/v1/keys", { key: acme.key });
    const keys = (await ours.json()) as { data: Array<{ id: string; revoked_at: string | null }> };
    expect(keys.data.every((k) => k.revoked_at === null)).toBe(true);
    const usage = (await (await h.request("GET", "/v1/usage", { key: acme.key })).json()) as { limit: number };
    expect(usage.limit).toBe(10_000_000);
    const hooks = await h.db.select().from(webhookEndpoints);
    expect(hooks.filter((e) => e.tenantId === acme.tenantId).map((e) => [e.id, e.secret, e.previousSecret])).toEqual([[secrets[9], secrets[10], null]]);
    expect((await h.db.select().from(webhookDeliveries)).map((d) => d.status)).toEqual(["delivered"]);
  });

  it("ids of the right shape from another tenant are indistinguishable from ids that do not exist", async () => {
    const realJob = (await h.seedJob(acme.tenantId)).id;
    const a = await h.request("GET", `/v1/jobs/${realJob}`, { key: rival.key });
    const b = await h.request("GET", "/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa", { key: rival.key });
    const strip = async (r: Response) => ({ ...((await r.json()) as object), request_id: "" });
    expect(a.status).toBe(b.status);
    expect(await strip(a)).toEqual(await strip(b));
  });
});
