// GET /v1/webhooks/{id} against PGlite and Postgres: the endpoint without its secret, why it was disabled; others' 404.
import { EndpointDisabledEvent, WebhookResource } from "@thinktime/core/api/webhooks";
import { createApiKey, createWebhookEndpoint, disableEndpoint } from "@thinktime/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("GET /v1/webhooks/{id} (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  beforeAll(async () => {
    h = await Harness.open(backend);
    acme = await h.tenant({ scopes: ["admin"] });
  });
  afterAll(() => h?.close());

  const get = (id: string, key = acme.key) => h.request("GET", `/v1/webhooks/${id}`, { key });

  it("returns the endpoint, never its secret", async () => {
    const { row, secret } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/a", events: ["job.failed"] });
    const res = await get(row.id);
    const body = WebhookResource.parse(await expectJson(res, 200));
    expect(body).toMatchObject({ id: row.id, url: "https://example.com/a", enabled: true, disabled_event: null, rotation_grace_ends_at: null });
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it("shows the webhook.endpoint_disabled record once delivery disabled it", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/gone", events: ["job.failed"] });
    await h.db.transaction((tx) => disableEndpoint(tx, row.id, "gone", "410 Gone: endpoint disabled"));
    const body = WebhookResource.parse(await expectJson(await get(row.id), 200));
    expect(body.enabled).toBe(false);
    expect(body.disabled_at).not.toBeNull();
    const event = EndpointDisabledEvent.parse(body.disabled_event);
    expect(event).toMatchObject({ type: "webhook.endpoint_disabled", data: { id: row.id, reason: "gone", last_error: "410 Gone: endpoint disabled" } });
    expect(event.id).toMatch(/^evt_/);
  });

  it("another tenant's endpoint and unknown ids are 404s, alike", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    const { row } = await createWebhookEndpoint(h.db, rival.tenantId, { url: "https://rival.example.com", events: ["job.failed"] });
    const theirs = await expectProblem(await get(row.id), 404, "not_found");
    const unknown = await expectProblem(await get("whe_0000000000aaaaaaaaaaaaaaaa"), 404, "not_found");
    expect({ ...theirs, request_id: "" }).toEqual({ ...unknown, request_id: "" });
    expect(JSON.stringify(theirs)).not.toContain("rival.example.com");
  });

  it("needs the admin scope (403)", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/b", events: ["job.failed"] });
    const reader = await createApiKey(h.db, acme.tenantId, { scopes: ["jobs:read", "usage:read"] });
    await expectProblem(await get(row.id, reader.key), 403, "forbidden");
  });
});
