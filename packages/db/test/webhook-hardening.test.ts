// Webhook hardening over real HTTP: rotated secrets sign twice, the SSRF guard at delivery, disabling, Retry-After, replay.
import { EndpointDisabledEvent } from "@thinktime/core/api/webhooks";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTenant, createWebhookEndpoint, deliverDueWebhooks, replayWebhookDelivery, rotateWebhookSecret, verifyWebhook,
  webhookDeliveries, webhookEndpoints, writeJobEvent, type Database, type DeliveryOptions, type Job,
} from "../src/index.js";
import { startWebhookReceiver, type WebhookReceiver } from "../src/testing-webhooks.js";
import { DRIVERS, seedJobs, useTestDatabase } from "./fixtures.js";

const DEV: DeliveryOptions = { baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5_000, allowInsecureUrls: true };
const DAY = 24 * 3600_000;

async function setup(db: Database, receiver: WebhookReceiver, events = ["job.succeeded"]) {
  const { tenantId, jobs } = await seedJobs(db, 3);
  const created = await createWebhookEndpoint(db, tenantId, { url: receiver.url, events });
  receiver.secret = created.secret;
  const fire = (i: number) => writeJobEvent(db, { ...jobs[i]!, status: "succeeded", finishedAt: new Date() } as Job);
  return { tenantId, endpoint: created.row, secret: created.secret, fire };
}

const endpointRow = async (db: Database, id: string) => (await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)))[0]!;
const deliveriesOf = (db: Database, endpointId: string) =>
  db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).orderBy(webhookDeliveries.id);

describe.each(DRIVERS)("webhook hardening (%s)", (driver) => {
  const t = useTestDatabase(driver);
  let receiver: WebhookReceiver;
  let other: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
    other = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver?.close();
    await other?.close();
  });

  it("after a rotation, signs with the new and the old secret until the grace period ends", async () => {
    const { db } = t.current;
    const { tenantId, endpoint, secret: old, fire } = await setup(db, receiver);
    const rotated = await rotateWebhookSecret(db, tenantId, endpoint.id, 3600);
    expect(rotated!.secret).not.toBe(old);
    expect(rotated!.row.previousSecretExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    await fire(0);
    await deliverDueWebhooks(db, DEV);
    const [hook] = receiver.received;
    expect(hook!.signature.split(" ")).toHaveLength(2);
    const headers = { id: hook!.id, timestamp: hook!.timestamp, signature: hook!.signature };
    expect(await verifyWebhook(rotated!.secret, headers, hook!.body)).toBe(true);
    expect(await verifyWebhook(old, headers, hook!.body)).toBe(true);

    await db.update(webhookEndpoints).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, endpoint.id));
    await fire(1);
    await deliverDueWebhooks(db, DEV);
    const late = receiver.received[1]!;
    const lateHeaders = { id: late.id, timestamp: late.timestamp, signature: late.signature };
    expect(late.signature.split(" ")).toHaveLength(1);
    expect(await verifyWebhook(rotated!.secret, lateHeaders, late.body)).toBe(true);
    expect(await verifyWebhook(old, lateHeaders, late.body)).toBe(false);
    // Without a grace period the old secret stops at once; another tenant cannot rotate it.
    const again = await rotateWebhookSecret(db, tenantId, endpoint.id, 0);
    expect(again!.row).toMatchObject({ previousSecret: null, previousSecretExpiresAt: null });
    const rival = await createTenant(db, "rival");
    expect(await rotateWebhookSecret(db, rival.id, endpoint.id, 60)).toBeNull();
  });

  it("refuses at delivery time a loopback URL without the dev setting, and a host that now resolves privately", async () => {
    const { db } = t.current;
    const { tenantId, endpoint, fire } = await setup(db, receiver);
    await fire(0);
    const strict = { ...DEV, allowInsecureUrls: false, resolveHost: async () => ["10.0.0.7"] };
    expect(await deliverDueWebhooks(db, strict)).toMatchObject({ claimed: 1, retried: 1 });
    expect(receiver.received).toHaveLength(0);
    expect((await deliveriesOf(db, endpoint.id))[0]).toMatchObject({ status: "pending", attempts: 1, lastError: "refused: webhook URLs must use https://" });

    const rebound = await createWebhookEndpoint(db, tenantId, { url: "https://rebound.example.com/in", events: ["job.succeeded"] });
    await fire(1);
    await new Promise((r) => setTimeout(r, 5));
    await deliverDueWebhooks(db, strict);
    expect((await deliveriesOf(db, rebound.row.id))[0]).toMatchObject({
      status: "pending",
      lastError: "refused: rebound.example.com resolves to a private, loopback or reserved address",
    });
    expect(receiver.received).toHaveLength(0);
  });

  it("an endpoint failing for days is disabled, records why, and the tenant's other endpoints are told", async () => {
    const { db } = t.current;
    receiver.reply = () => ({ status: 500 });
    const { tenantId, endpoint, fire } = await setup(db, receiver);
    const watcher = await createWebhookEndpoint(db, tenantId, { url: other.url, events: ["webhook.endpoint_disabled"] });
    other.secret = watcher.secret;
    await fire(0);
    await deliverDueWebhooks(db, DEV);
    const failing = await endpointRow(db, endpoint.id);
    expect(failing).toMatchObject({ enabled: true, disabledEvent: null });
    expect(failing.failingSince).toBeInstanceOf(Date);

    await db.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - 6 * DAY) }).where(eq(webhookEndpoints.id, endpoint.id));
    await new Promise((r) => setTimeout(r, 5));
    expect(await deliverDueWebhooks(db, { ...DEV, batchSize: 1 })).toMatchObject({ failed: 1 });
    const off = await endpointRow(db, endpoint.id);
    expect(off.enabled).toBe(false);
    const event = EndpointDisabledEvent.parse(off.disabledEvent);
    expect(event.data).toMatchObject({ id: endpoint.id, reason: "failing", last_error: "HTTP 500", url: receiver.url });
    expect((await deliveriesOf(db, endpoint.id))[0]).toMatchObject({ status: "failed", attempts: 2 });

    await deliverDueWebhooks(db, DEV);
    expect(other.received).toHaveLength(1);
    expect(other.received[0]!.verified).toBe(true);
    expect(JSON.parse(other.received[0]!.body)).toEqual(event);
    expect(await fire(1)).toBe(0); // no more events for it
  });

  it("a delivered attempt ends the run of failures", async () => {
    const { db } = t.current;
    receiver.reply = (_req, n) => ({ status: n === 0 ? 503 : 204 });
    const { endpoint, fire } = await setup(db, receiver);
    await fire(0);
    await deliverDueWebhooks(db, DEV);
    expect((await endpointRow(db, endpoint.id)).failingSince).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 5));
    expect(await deliverDueWebhooks(db, DEV)).toMatchObject({ delivered: 1 });
    expect(await endpointRow(db, endpoint.id)).toMatchObject({ failingSince: null, enabled: true });
  });

  it("410 Gone disables at once with reason gone, and tells the other endpoints", async () => {
    const { db } = t.current;
    receiver.reply = () => ({ status: 410 });
    const { tenantId, endpoint, fire } = await setup(db, receiver);
    const watcher = await createWebhookEndpoint(db, tenantId, { url: other.url, events: ["webhook.endpoint_disabled"] });
    await fire(0);
    await deliverDueWebhooks(db, DEV);
    const off = await endpointRow(db, endpoint.id);
    expect(off).toMatchObject({ enabled: false, failingSince: null });
    expect(EndpointDisabledEvent.parse(off.disabledEvent).data).toMatchObject({ reason: "gone", failing_since: null });
    expect(await deliveriesOf(db, watcher.row.id)).toHaveLength(1);
  });

  it("honours Retry-After given as an HTTP date on a 429", async () => {
    const { db } = t.current;
    const at = new Date(Date.now() + 300_000);
    receiver.reply = () => ({ status: 429, headers: { "retry-after": at.toUTCString() } });
    const { endpoint, fire } = await setup(db, receiver);
    await fire(0);
    await deliverDueWebhooks(db, { ...DEV, baseDelayMs: 1_000, maxDelayMs: 3600_000 });
    const [row] = await deliveriesOf(db, endpoint.id);
    expect(row).toMatchObject({ status: "pending", lastStatusCode: 429 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(at.getTime() - 1_500);
  });

  it("replays a delivered or failed delivery with the same webhook-id; pending, disabled and others' are refused", async () => {
    const { db } = t.current;
    const { tenantId, endpoint, fire } = await setup(db, receiver);
    await fire(0);
    await deliverDueWebhooks(db, DEV);
    const [done] = await deliveriesOf(db, endpoint.id);
    expect(done).toMatchObject({ status: "delivered", attempts: 1 });
    const rival = await createTenant(db, "rival");
    expect(await replayWebhookDelivery(db, rival.id, endpoint.id, done!.id)).toEqual({ kind: "not_found" });
    const replay = await replayWebhookDelivery(db, tenantId, endpoint.id, done!.id);
    expect(replay).toMatchObject({ kind: "replayed", row: { status: "pending", attempts: 0, deliveredAt: null, eventId: done!.eventId } });
    expect(await replayWebhookDelivery(db, tenantId, endpoint.id, done!.id)).toEqual({ kind: "pending" });
    await deliverDueWebhooks(db, DEV);
    expect(receiver.received.map((r) => r.id)).toEqual([done!.eventId, done!.eventId]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
    expect((await deliveriesOf(db, endpoint.id))[0]).toMatchObject({ status: "delivered", attempts: 1 });
    await db.update(webhookEndpoints).set({ enabled: false }).where(eq(webhookEndpoints.id, endpoint.id));
    expect(await replayWebhookDelivery(db, tenantId, endpoint.id, done!.id)).toEqual({ kind: "endpoint_disabled" });
  });
});
