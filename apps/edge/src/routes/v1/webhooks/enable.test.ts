// POST /v1/webhooks/{id}/enable: a disabled endpoint gets events again, its failure run forgotten; others' ids 404.
import { WebhookResource } from "@thinktime/core/api/webhooks";
import {
  createApiKey, createWebhookEndpoint, DEFAULT_DISABLE_AFTER_MS, deliverDueWebhooks, disableEndpoint, noteEndpointFailure,
  webhookDeliveries, webhookEndpoints,
} from "@thinktime/db";
import { startWebhookReceiver, type WebhookReceiver } from "@thinktime/db/testing-webhooks";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/webhooks/{id}/enable (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let receiver: WebhookReceiver;
  let gone = false;
  beforeAll(async () => {
    h = await Harness.open(backend, { allowInsecureWebhookUrls: true });
    acme = await h.tenant({ scopes: ["admin", "jobs:write"] });
    // Answers 410 Gone while `gone` is set, as a receiver that was taken down would.
    receiver = await startWebhookReceiver(() => ({ status: gone ? 410 : 204 }));
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  const enable = (id: string, key: string | null = acme.key) => h.request("POST", `/v1/webhooks/${id}/enable`, { key });
  const stored = async (id: string) => (await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;
  const deliveriesTo = (id: string) => h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id));
  /** A job canceled at once: its job.canceled event is queued for every enabled endpoint that subscribes. */
  const cancelOne = async () => {
    const job = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
    return job.id;
  };

  it("an endpoint delivery disabled (410) gets new events again; what it missed is not resent", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: receiver.url, events: ["job.canceled"] });
    gone = true;
    await cancelOne();
    await deliverDueWebhooks(h.db, { allowInsecureUrls: true });
    gone = false;
    const disabled = WebhookResource.parse(await expectJson(await h.request("GET", `/v1/webhooks/${row.id}`, { key: acme.key }), 200));
    expect(disabled).toMatchObject({ enabled: false, disabled_at: expect.any(String), disabled_event: { data: { reason: "gone" } } });
    // While disabled, events are not queued for it.
    await cancelOne();
    expect(await deliveriesTo(row.id)).toHaveLength(1);

    const body = WebhookResource.parse(await expectJson(await enable(row.id), 200));
    expect(body).toEqual({ ...disabled, enabled: true, disabled_at: null, disabled_event: null });
    expect(await stored(row.id)).toMatchObject({ enabled: true, disabledAt: null, disabledEvent: null, failingSince: null });
    // The GET serializer says the same.
    expect(await expectJson(await h.request("GET", `/v1/webhooks/${row.id}`, { key: acme.key }), 200)).toEqual(body);

    const jobId = await cancelOne();
    await deliverDueWebhooks(h.db, { allowInsecureUrls: true });
    const all = await deliveriesTo(row.id);
    expect(all.map((d) => d.status).sort()).toEqual(["delivered", "failed"]);
    expect(all.find((d) => d.status === "delivered")!.eventKey).toBe(`${jobId}:job.canceled`);
    expect(receiver.received.map((r) => r.status)).toEqual([410, 204]);
    expect(receiver.received[1]!.body).toContain(jobId);
  });

  it("forgets the run of failures that disabled it, so the next failure does not disable it again", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/failing", events: ["job.failed"] });
    const longAgo = new Date(Date.now() - DEFAULT_DISABLE_AFTER_MS - 3600_000);
    await h.db.update(webhookEndpoints).set({ failingSince: longAgo }).where(eq(webhookEndpoints.id, row.id));
    expect(await noteEndpointFailure(h.db, row.id, "HTTP 500", DEFAULT_DISABLE_AFTER_MS)).toBe(true);
    expect(await stored(row.id)).toMatchObject({ enabled: false, disabledEvent: { data: { reason: "failing" } } });

    expect(WebhookResource.parse(await expectJson(await enable(row.id), 200))).toMatchObject({ enabled: true, disabled_event: null });
    expect(await noteEndpointFailure(h.db, row.id, "HTTP 500", DEFAULT_DISABLE_AFTER_MS)).toBe(false);
    const after = await stored(row.id);
    expect(after.enabled).toBe(true);
    expect(after.failingSince!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("enabling an enabled endpoint is a 200 that changes nothing", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/fine", events: ["job.failed"] });
    const failingSince = new Date(Date.now() - 3600_000);
    await h.db.update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, row.id));
    const before = await stored(row.id);
    const first = await expectJson(await enable(row.id), 200);
    expect(await expectJson(await enable(row.id), 200)).toEqual(first);
    expect(first).toMatchObject({ id: row.id, enabled: true, disabled_at: null, disabled_event: null });
    expect(await stored(row.id)).toEqual(before);
  });

  it("another tenant's endpoint and unknown ids are 404s; another tenant's stays disabled", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    const { row } = await createWebhookEndpoint(h.db, rival.tenantId, { url: "https://rival.example.com/in", events: ["job.failed"] });
    await h.db.transaction((tx) => disableEndpoint(tx, row.id, "gone", "410 Gone: endpoint disabled"));
    const theirs = await expectProblem(await enable(row.id), 404, "not_found");
    const unknown = await expectProblem(await enable("whe_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    expect({ ...theirs, request_id: "" }).toEqual({ ...unknown, request_id: "" });
    expect(await stored(row.id)).toMatchObject({ enabled: false, disabledAt: expect.any(Date), disabledEvent: expect.anything() });
  });

  it("needs a key (401) with the admin scope (403)", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/locked", events: ["job.failed"] });
    await h.db.transaction((tx) => disableEndpoint(tx, row.id, "gone", "410 Gone: endpoint disabled"));
    await expectProblem(await enable(row.id, null), 401, "unauthorized");
    const worker = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:write", "jobs:read", "usage:read"] });
    await expectProblem(await enable(row.id, worker.key), 403, "forbidden");
    expect((await stored(row.id)).enabled).toBe(false);
  });
});
