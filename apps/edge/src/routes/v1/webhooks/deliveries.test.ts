// GET /v1/webhooks/{id}/deliveries against PGlite and Postgres: the endpoint's log newest first, paged; others' ids 404.
import { WebhookDeliveryList } from "@thinktime/core/api/webhooks";
import { createApiKey, createWebhookEndpoint, webhookDeliveries } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/webhooks/{id}/deliveries (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let endpointId: string;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin", "jobs:write", "jobs:read"] });
    endpointId = (await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/in", events: ["job.canceled"] })).row.id;
    // Three canceled jobs: three job.canceled events queued for the endpoint.
    for (const q of ["1+1?", "2+2?", "3+3?"]) {
      const job = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: q } }), 201);
      await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
    }
  });
  afterAll(() => h?.close());

  const list = (query = "", id = endpointId, key = acme.key) => h.request("GET", `/v1/webhooks/${id}/deliveries${query}`, { key });

  it("lists the endpoint's deliveries newest first, with status and attempts", async () => {
    const page = WebhookDeliveryList.parse(await expectJson(await list(), 200));
    expect(page.data).toHaveLength(3);
    expect(page.next_cursor).toBeNull();
    const ids = page.data.map((d) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    for (const d of page.data) {
      expect(d).toMatchObject({ object: "webhook_delivery", endpoint_id: endpointId, event_type: "job.canceled", status: "pending", attempts: 0 });
      expect(d.event_id).toMatch(/^evt_/);
      expect(d.next_attempt_at).not.toBeNull();
    }
    const rows = await h.db.select().from(webhookDeliveries);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(ids));
  });

  it("pages with limit and cursor", async () => {
    const first = WebhookDeliveryList.parse(await expectJson(await list("?limit=2"), 200));
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).toBe(first.data[1]!.id);
    const second = WebhookDeliveryList.parse(await expectJson(await list(`?limit=2&cursor=${first.next_cursor}`), 200));
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
  });

  it.each(["?limit=0", "?limit=101", "?limit=x", "?cursor=job_0000000000aaaaaaaaaaaaaaaa"])("rejects %s (400)", async (q) => {
    await expectProblem(await list(q), 400, "validation_failed");
  });

  it("an unknown or another tenant's endpoint is a 404, with nothing of theirs", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    const res = await list("", endpointId, rival.key);
    const body = await expectProblem(res, 404, "not_found");
    expect(JSON.stringify(body)).not.toContain("evt_");
    await expectProblem(await list("", "whe_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
  });

  it("needs the admin scope (403)", async () => {
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read"] });
    await expectProblem(await list("", endpointId, reader.key), 403, "forbidden");
  });
});
