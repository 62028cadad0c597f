// POST /v1/webhooks/{id}/deliveries/{delivery_id}/replay: queued again with the same webhook-id; others' are 404s.
import { WebhookDeliveryResource } from "@thinktime/core/api/webhooks";
import { createApiKey, createWebhookEndpoint, webhookDeliveries, webhookEndpoints } from "@thinktime/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/webhooks/{id}/deliveries/{delivery_id}/replay (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let endpointId: string;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin", "jobs:write", "jobs:read"] });
    endpointId = (await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/in", events: ["job.canceled"] })).row.id;
  });
  afterAll(() => h?.close());

  const replay = (deliveryId: string, id = endpointId, key = acme.key) =>
    h.request("POST", `/v1/webhooks/${id}/deliveries/${deliveryId}/replay`, { key });
  /** A canceled job's event for the endpoint, left in `status` as if delivery had run. */
  const delivery = async (status: "delivered" | "failed" | "pending") => {
    const job = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
    const [row] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventKey, `${job.id}:job.canceled`));
    const outcome = status === "delivered" ? { deliveredAt: new Date(), lastStatusCode: 204 } : { lastStatusCode: 500, lastError: "HTTP 500" };
    await h.db.update(webhookDeliveries).set({ status, attempts: 8, ...outcome }).where(eq(webhookDeliveries.id, row!.id));
    return row!;
  };

  it.each(["delivered", "failed"] as const)("queues a %s delivery again, due now, same event id (202)", async (status) => {
    const row = await delivery(status);
    const body = WebhookDeliveryResource.parse(await expectJson(await replay(row.id), 202));
    expect(body).toMatchObject({ id: row.id, event_id: row.eventId, status: "pending", attempts: 0, delivered_at: null });
    expect(Date.parse(body.next_attempt_at!)).toBeLessThanOrEqual(Date.now() + 1000);
    const [stored] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row.id));
    expect(stored).toMatchObject({ status: "pending", attempts: 0, eventId: row.eventId, payload: row.payload });
  });

  it("a pending delivery is a 409, and so is one whose endpoint is disabled", async () => {
    const pending = await delivery("pending");
    await expectProblem(await replay(pending.id), 409, "conflict");
    const done = await delivery("delivered");
    await h.db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, endpointId));
    try {
      await expectProblem(await replay(done.id), 409, "conflict");
    } finally {
      await h.db.update(webhookEndpoints).set({ enabled: true }).where(eq(webhookEndpoints.id, endpointId));
    }
  });

  it("unknown ids, a delivery under the wrong endpoint, and another tenant's are 404s and change nothing", async () => {
    const row = await delivery("delivered");
    await expectProblem(await replay("whd_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    const other = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/other", events: ["job.failed"] });
    await expectProblem(await replay(row.id, other.row.id), 404, "not_found");
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    await expectProblem(await replay(row.id, endpointId, rival.key), 404, "not_found");
    const [stored] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row.id));
    expect(stored!.status).toBe("delivered");
  });

  it("needs the admin scope (403)", async () => {
    const row = await delivery("failed");
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "jobs:write", "usage:read"] });
    await expectProblem(await replay(row.id, endpointId, reader.key), 403, "forbidden");
  });
});
