// Security cases shared by every authenticated route: no/bad/revoked/expired keys are 401s, no scopes 403; isolation.
import { createApiKey, createWebhookEndpoint } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "./harness.js";

describe.each(BACKENDS)("auth and tenant isolation (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let rival: Seeded;
  let jobId: string;
  let webhookId: string;
  const creds: Record<string, string | null> = {};
  const auth: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ name: "acme" });
    rival = await h.tenant({ name: "rival" });
    jobId = (await h.seedJob(acme.tenantId)).id;
    webhookId = (await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/hooks", events: ["job.failed"] })).row.id;
    const revoked = await createApiKey(h.db, acme.tenantId);
    await h.revoke(revoked.id);
    const expired = await createApiKey(h.db, acme.tenantId, { expiresAt: new Date(Date.now() - 1000) });
    creds.revoked = revoked.key;
    creds.expired = expired.key;
    auth.none = {};
    auth.basic = { authorization: `Basic ${btoa("user:pass")}` };
    auth["empty bearer"] = { authorization: "Bearer " };
    auth["bearer without tt_"] = { authorization: "Bearer sk_live_abcdef" };
    auth["unknown tt_ key"] = { authorization: `Bearer tt_${"A".repeat(32)}` };
    auth["key with junk after it"] = { authorization: `Bearer ${acme.key} extra` };
    auth["key without scheme"] = { authorization: acme.key };
    auth["revoked key"] = { authorization: `Bearer ${revoked.key}` };
    auth["expired key"] = { authorization: `Bearer ${expired.key}` };
  });
  afterAll(() => h?.close());

  /** Every authenticated route (the first test checks the list against the OpenAPI document). */
  const routes = () => [
    { name: "create", method: "POST", route: "/v1/jobs", path: "/v1/jobs", json: { question: "1+1?" } },
    { name: "get", method: "GET", route: "/v1/jobs/{id}", path: `/v1/jobs/${jobId}` },
    { name: "list", method: "GET", route: "/v1/jobs", path: "/v1/jobs" },
    { name: "cancel", method: "POST", route: "/v1/jobs/{id}/cancel", path: `/v1/jobs/${jobId}/cancel` },
    { name: "job events", method: "GET", route: "/v1/jobs/{id}/events", path: `/v1/jobs/${jobId}/events` },
    { name: "batch", method: "POST", route: "/v1/jobs/batch", path: "/v1/jobs/batch", json: { jobs: [{ question: "1+1?" }] } },
    { name: "models", method: "GET", route: "/v1/models", path: "/v1/models" },
    {
      name: "chat completions",
      method: "POST",
      route: "/v1/chat/completions",
      path: "/v1/chat/completions",
      json: { model: "thinktime-greedy", messages: [{ role: "user", content: "1+1?" }] },
    },
    { name: "create key", method: "POST", route: "/v1/keys", path: "/v1/keys", json: {} },
    { name: "list keys", method: "GET", route: "/v1/keys", path: "/v1/keys" },
    { name: "revoke key", method: "POST", route: "/v1/keys/{id}/revoke", path: `/v1/keys/${acme.keyId}/revoke` },
    { name: "rotate key", method: "POST", route: "/v1/keys/{id}/rotate", path: `/v1/keys/${acme.keyId}/rotate` },
    { name: "usage", method: "GET", route: "/v1/usage", path: "/v1/usage" },
    { name: "create webhook", method: "POST", route: "/v1/webhooks", path: "/v1/webhooks", json: { url: "https://example.com/x" } },
    { name: "list webhooks", method: "GET", route: "/v1/webhooks", path: "/v1/webhooks" },
    { name: "delete webhook", method: "DELETE", route: "/v1/webhooks/{id}", path: `/v1/webhooks/${webhookId}` },
    { name: "webhook deliveries", method: "GET", route: "/v1/webhooks/{id}/deliveries", path: `/v1/webhooks/${webhookId}/deliveries` },
    { name: "get webhook", method: "GET", route: "/v1/webhooks/{id}", path: `/v1/webhooks/${webhookId}` },
    { name: "rotate webhook secret", method: "POST", route: "/v1/webhooks/{id}/rotate-secret", path: `/v1/webhooks/${webhookId}/rotate-secret` },
    { name: "enable webhook", method: "POST", route: "/v1/webhooks/{id}/enable", path: `/v1/webhooks/${webhookId}/enable` },
    {
      name: "replay delivery",
      method: "POST",
      route: "/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
      path: `/v1/webhooks/${webhookId}/deliveries/whd_0000000000aaaaaaaaaaaaaaaa/replay`,
    },
    { name: "list invoices", method: "GET", route: "/v1/invoices", path: "/v1/invoices" },
    { name: "get invoice", method: "GET", route: "/v1/invoices/{id}", path: "/v1/invoices/inv_202601aaaaaaaaaaaaaaaaaaaa.csv" },
    { name: "admin list tenants", method: "GET", route: "/admin/tenants", path: "/admin/tenants" },
    { name: "admin create tenant", method: "POST", route: "/admin/tenants", path: "/admin/tenants", json: { name: "x" } },
    { name: "admin get tenant", method: "GET", route: "/admin/tenants/{id}", path: `/admin/tenants/${acme.tenantId}` },
    { name: "admin quotas", method: "PATCH", route: "/admin/tenants/{id}/quotas", path: `/admin/tenants/${acme.tenantId}/quotas`, json: { monthly_credits: 0 } },
    { name: "admin list keys", method: "GET", route: "/admin/tenants/{id}/keys", path: `/admin/tenants/${acme.tenantId}/keys` },
    { name: "admin create key", method: "POST", route: "/admin/tenants/{id}/keys", path: `/admin/tenants/${acme.tenantId}/keys`, json: {} },
    {
      name: "admin revoke key",
      method: "POST",
      route: "/admin/tenants/{id}/keys/{key_id}/revoke",
      path: `/admin/tenants/${acme.tenantId}/keys/${acme.keyId}/revoke`,
    },
    { name: "admin usage", method: "GET", route: "/admin/usage", path: "/admin/usage" },
    { name: "admin list prices", method: "GET", route: "/admin/prices", path: "/admin/prices" },
    { name: "admin create price", method: "POST", route: "/admin/prices", path: "/admin/prices", json: { model: "m", currency: "credits", prompt_tokens: 1 } },
    {
      name: "admin finalize invoice",
      method: "POST",
      route: "/admin/tenants/{id}/invoices/{period}/finalize",
      path: `/admin/tenants/${acme.tenantId}/invoices/2026-01/finalize`,
    },
  ];

  it("the shared cases cover every authenticated route of the OpenAPI document", async () => {
    const doc = (await (await h.request("GET", "/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).filter(([, op]) => op.security).map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(new Set(routes().map((r) => `${r.method} ${r.route}`))).toEqual(new Set(documented));
  });

  const badAuth = ["none", "basic", "empty bearer", "bearer without tt_", "unknown tt_ key", "key with junk after it", "key without scheme", "revoked key", "expired key"];

  for (const kind of badAuth) {
    it(`every route answers 401 with no data for: ${kind}`, async () => {
      const before = await h.jobCount();
      for (const r of routes()) {
        const res = await h.request(r.method, r.path, { json: r.json, headers: auth[kind] });
        const body = await expectProblem(res, 401, "unauthorized");
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(JSON.stringify(body)).not.toContain(jobId);
      }
      expect(await h.jobCount()).toBe(before);
      expect(await h.job(jobId)).toMatchObject({ status: "queued", cancelRequested: false });
    });
  }

  it("the scheme is case-insensitive", async () => {
    await expectJson(await h.request("GET", "/v1/jobs", { headers: { authorization: `bearer ${acme.key}` } }), 200);
  });

  it("a key stops working once revoked", async () => {
    const k = await createApiKey(h.db, rival.tenantId);
    await expectJson(await h.request("GET", "/v1/jobs", { key: k.key }), 200);
    await h.revoke(k.id);
    await expectProblem(await h.request("GET", "/v1/jobs", { key: k.key }), 401, "unauthorized");
  });

  it("another tenant's job is a 404 on get and cancel, and is left untouched", async () => {
    const get = await expectProblem(await h.request("GET", `/v1/jobs/${jobId}`, { key: rival.key }), 404, "not_found");
    const cancel = await expectProblem(await h.request("POST", `/v1/jobs/${jobId}/cancel`, { key: rival.key }), 404, "not_found");
    const events = await expectProblem(await h.request("GET", `/v1/jobs/${jobId}/events`, { key: rival.key }), 404, "not_found");
    const unknown = await expectProblem(await h.request("GET", "/v1/jobs/job_0000000000aaaaaaaaaaaaaaaa", { key: rival.key }), 404, "not_found");
    // Indistinguishable from an id that does not exist.
    for (const b of [get, cancel, events]) expect({ ...b, request_id: "" }).toEqual({ ...unknown, request_id: "" });
    expect(await h.job(jobId)).toMatchObject({ status: "queued", cancelRequested: false, finishedAt: null });
  });

  it("another tenant's list never contains our jobs, and their new jobs belong to them", async () => {
    const created = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: rival.key, json: { question: "9/3?" } }), 201);
    expect((await h.job(created.id))?.tenantId).toBe(rival.tenantId);
    const list = await expectJson<{ data: Array<{ id: string }> }>(await h.request("GET", "/v1/jobs?limit=100", { key: rival.key }), 200);
    expect(list.data.map((j) => j.id)).toEqual([created.id]);
    const mine = await expectJson<{ data: Array<{ id: string }> }>(await h.request("GET", "/v1/jobs?limit=100", { key: acme.key }), 200);
    expect(mine.data.map((j) => j.id)).not.toContain(created.id);
  });

  it("a key with no scopes can do nothing (403)", async () => {
    const k = await createApiKey(h.db, acme.tenantId, { scopes: [] });
    for (const r of routes()) await expectProblem(await h.request(r.method, r.path, { key: k.key, json: r.json }), 403, "forbidden");
  });
});
