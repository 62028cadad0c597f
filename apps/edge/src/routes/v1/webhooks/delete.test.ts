// DELETE /v1/webhooks/{id} against PGlite and Postgres: the endpoint and its queue go; others' ids are 404s.
import { createApiKey, createWebhookEndpoint, webhookDeliveries, webhookEndpoints } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("DELETE /v1/webhooks/{id} (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin", "jobs:write", "jobs:read"] });
  });
  afterAll(() => h?.close());

  const remove = (id: string, key = acme.key) => h.request("DELETE", `/v1/webhooks/${id}`, { key });
  const exists = async (id: string) => (await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))).length === 1;

  it("deletes an endpoint with its pending deliveries; no event is queued for it afterwards; a second delete is a 404", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/a", events: ["job.canceled"] });
    const job = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
    expect(await h.db.$count(webhookDeliveries, eq(webhookDeliveries.endpointId, row.id))).toBe(1);

    expect(await expectJson(await remove(row.id), 200)).toEqual({ id: row.id, object: "webhook_endpoint", deleted: true });
    expect(await exists(row.id)).toBe(false);
    expect(await h.db.$count(webhookDeliveries, eq(webhookDeliveries.endpointId, row.id))).toBe(0);
    const again = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "2+2?" } }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${again.id}/cancel`, { key: acme.key }), 200);
    expect(await h.db.$count(webhookDeliveries)).toBe(0);
    await expectProblem(await remove(row.id), 404, "not_found");
  });

  it.each(["whe_0000000000aaaaaaaaaaaaaaaa", "nope", encodeURIComponent("whe_' OR 1=1 --")])("answers 404 for %s", async (id) => {
    await expectProblem(await remove(id), 404, "not_found");
  });

  it("another tenant's endpoint is a 404 and stays", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    const { row } = await createWebhookEndpoint(h.db, rival.tenantId, { url: "https://rival.example.com", events: ["job.failed"] });
    await expectProblem(await remove(row.id), 404, "not_found");
    expect(await exists(row.id)).toBe(true);
  });

  it("needs the admin scope (403) and deletes nothing", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/b", events: ["job.failed"] });
    const worker = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write", "jobs:read"] });
    await expectProblem(await remove(row.id, worker.key), 403, "forbidden");
    expect(await exists(row.id)).toBe(true);
  });
});
