// The dispatcher end to end: an endpoint made through the API, a job finished, the event POSTed to a real receiver.
import { WebhookDeliveryList, type CreatedWebhookResource, type WebhookEvent } from "@thinktime/core/api/webhooks";
import { claimNextJob, completeJob, webhookDeliveries } from "@thinktime/db";
import { startWebhookReceiver, type WebhookReceiver } from "@thinktime/db/testing-webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKENDS, expectJson, Harness, type Seeded } from "../../test/harness.js";
import { drainWebhooks, startWebhookDispatcher } from "./webhook-dispatcher.js";

const DEV = { allowInsecureUrls: true };
const USAGE = { model: "policy", strategy: "majority", promptTokens: 5, generatedTokens: 7, verifierTokens: 0, flops: 1e6 };

async function until(check: () => boolean | Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(BACKENDS)("webhook dispatcher (%s)", (backend) => {
  let h: Harness;
  let acme: Seeded;
  let receiver: WebhookReceiver;
  let endpoint: CreatedWebhookResource;
  beforeEach(async () => {
    // The receiver listens on http://127.0.0.1: the dev setting allows it, at create and at delivery time.
    h = await Harness.open(backend, { allowInsecureWebhookUrls: true });
    acme = await h.tenant({ scopes: ["admin", "jobs:write", "jobs:read"] });
    receiver = await startWebhookReceiver();
    endpoint = await expectJson(await h.request("POST", "/v1/webhooks", { key: acme.key, json: { url: receiver.url } }), 201);
    receiver.secret = endpoint.secret;
  });
  afterEach(async () => {
    await receiver?.close();
    await h?.close();
  });

  const submit = async (question: string) =>
    (await expectJson<{ id: string }>(await h.request("POST", "/v1/jobs", { key: acme.key, json: { question } }), 201)).id;

  it("delivers job.succeeded and job.canceled signed, shows them in the log, and stops cleanly", async () => {
    const dispatcher = startWebhookDispatcher(h.db, { intervalMs: 20, ...DEV });
    try {
      const done = await submit("6*7?");
      await claimNextJob(h.db, { workerId: "gen-1", leaseMs: 30_000 });
      const result = { answer: "42", chosen: 0 };
      expect(await completeJob(h.db, { jobId: done, workerId: "gen-1", result, candidates: [], usage: USAGE })).toBe(true);
      const canceled = await submit("1+1?");
      await expectJson(await h.request("POST", `/v1/jobs/${canceled}/cancel`, { key: acme.key }), 200);
      await until(() => receiver.received.length >= 2);
      const events = receiver.received.map((r) => JSON.parse(r.body) as WebhookEvent);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      expect(events.map((e) => [e.type, e.data.id]).sort()).toEqual(
        [["job.canceled", canceled], ["job.succeeded", done]].sort(),
      );
      expect(events.find((e) => e.type === "job.succeeded")!.data.result).toEqual(result);
      await until(async () => (await h.db.select().from(webhookDeliveries)).every((d) => d.status === "delivered"));
      const log = WebhookDeliveryList.parse(
        await expectJson(await h.request("GET", `/v1/webhooks/${endpoint.id}/deliveries`, { key: acme.key }), 200),
      );
      expect(log.data.map((d) => [d.status, d.attempts, d.last_status_code])).toEqual([["delivered", 1, 204], ["delivered", 1, 204]]);
    } finally {
      await dispatcher.stop();
    }
    // Stopped: a new event stays queued.
    await expectJson(await h.request("POST", `/v1/jobs/${await submit("2+2?")}/cancel`, { key: acme.key }), 200);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(2);
    expect(await drainWebhooks(h.db, DEV)).toBe(1);
    expect(receiver.received).toHaveLength(3);
  });

  it("keeps going after a receiver failure and retries until delivered", async () => {
    receiver.reply = (_req, n) => ({ status: n < 2 ? 500 : 200 });
    const dispatcher = startWebhookDispatcher(h.db, { intervalMs: 20, baseDelayMs: 10, maxDelayMs: 50, ...DEV });
    try {
      await expectJson(await h.request("POST", `/v1/jobs/${await submit("3*3?")}/cancel`, { key: acme.key }), 200);
      await until(async () => (await h.db.select().from(webhookDeliveries))[0]?.status === "delivered");
      expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    } finally {
      await dispatcher.stop();
    }
  });
});
