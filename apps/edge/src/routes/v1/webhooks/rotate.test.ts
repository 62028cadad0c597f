// POST /v1/webhooks/{id}/rotate-secret: the new secret once; deliveries verify (standardwebhooks) with either secret.
import { CreatedWebhookResource, WebhookResource } from "@thinktime/core/api/webhooks";
import { createApiKey, createWebhookEndpoint, deliverDueWebhooks, webhookEndpoints } from "@thinktime/db";
import { startWebhookReceiver, type WebhookReceiver } from "@thinktime/db/testing-webhooks";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, expectProblem, Harness, type Seeded } from "../../../../test/harness.js";

describe.each(BACKENDS)("POST /v1/webhooks/{id}/rotate-secret (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // The receiver listens on http://127.0.0.1: the dev setting allows it.
    h = await Harness.open(backend, { allowInsecureWebhookUrls: true });
    acme = await h.tenant({ scopes: ["admin", "jobs:write"] });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  const rotate = (id: string, json?: unknown, key = acme.key) => h.request("POST", `/v1/webhooks/${id}/rotate-secret`, { key, json });
  const cancelOne = async () => {
    const job = await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question: "1+1?" } }), 201);
    await expectJson(await h.request("POST", `/v1/jobs/${job.id}/cancel`, { key: acme.key }), 200);
  };
  const verifies = (secret: string, i: number) => {
    const r = receiver.received[i]!;
    try {
      new Webhook(secret).verify(r.body, { "webhook-id": r.id, "webhook-timestamp": r.timestamp, "webhook-signature": r.signature });
      return true;
    } catch {
      return false;
    }
  };

  it("shows a new whsec_ secret once; for 24 h deliveries verify with the new or the old one", async () => {
    const made = await expectJson<CreatedWebhookResource>(await h.request("POST", "/v1/webhooks", { key: acme.key, json: { url: receiver.url, events: ["job.canceled"] } }), 201);
    const res = await rotate(made.id);
    const rotated = CreatedWebhookResource.parse(await expectJson(res, 200));
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(made.secret);
    const until = Date.parse(rotated.rotation_grace_ends_at!);
    expect(until).toBeGreaterThan(Date.now() + 24 * 3600_000 - 60_000);
    expect(until).toBeLessThan(Date.now() + 24 * 3600_000 + 60_000);
    const listed = await (await h.request("GET", `/v1/webhooks/${made.id}`, { key: acme.key })).text();
    expect(listed).not.toContain(rotated.secret);
    expect(WebhookResource.parse(JSON.parse(listed)).rotation_grace_ends_at).toBe(rotated.rotation_grace_ends_at);

    await cancelOne();
    await deliverDueWebhooks(h.db, { allowInsecureUrls: true });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.signature.split(" ")).toHaveLength(2);
    expect(verifies(rotated.secret, 0)).toBe(true);
    expect(verifies(made.secret, 0)).toBe(true);
    expect(verifies("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0)).toBe(false);

    // Once the grace period is over, only the new secret verifies.
    await h.db.update(webhookEndpoints).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, made.id));
    await cancelOne();
    await deliverDueWebhooks(h.db, { allowInsecureUrls: true });
    expect(receiver.received).toHaveLength(2);
    expect(verifies(rotated.secret, 1)).toBe(true);
    expect(verifies(made.secret, 1)).toBe(false);
  });

  it("grace_seconds: 0 drops the old secret at once", async () => {
    const { row } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/a", events: ["job.failed"] });
    const rotated = CreatedWebhookResource.parse(await expectJson(await rotate(row.id, { grace_seconds: 0 }), 200));
    expect(rotated.rotation_grace_ends_at).toBeNull();
    const [stored] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    expect(stored).toMatchObject({ secret: rotated.secret, previousSecret: null });
  });

  it.each([[{ grace_seconds: -1 }], [{ grace_seconds: 8 * 24 * 3600 }], [{ grace_seconds: "1" }], [{ secret: "whsec_mine" }]])(
    "rejects %j (400) and keeps the secret",
    async (json) => {
      const { row, secret } = await createWebhookEndpoint(h.db, acme.tenantId, { url: "https://example.com/b", events: ["job.failed"] });
      await expectProblem(await rotate(row.id, json), 400, "validation_failed");
      const [stored] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
      expect(stored!.secret).toBe(secret);
    },
  );

  it("another tenant's endpoint is a 404 and keeps its secret; the admin scope is needed (403)", async () => {
    const rival = await h.tenant({ name: "rival", scopes: ["admin"] });
    const { row, secret } = await createWebhookEndpoint(h.db, rival.tenantId, { url: "https://rival.example.com", events: ["job.failed"] });
    await expectProblem(await rotate(row.id), 404, "not_found");
    const worker = await createApiKey(h.db, rival.tenantId, { scopes: ["jobs:write", "jobs:read", "usage:read"] });
    await expectProblem(await rotate(row.id, undefined, worker.key), 403, "forbidden");
    const [stored] = await h.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    expect(stored).toMatchObject({ secret, previousSecret: null });
  });
});
