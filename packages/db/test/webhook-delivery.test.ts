// Webhook delivery over real HTTP: signatures a receiver verifies, retries with backoff, giving up, 410, concurrency.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  backoffMs, createWebhookEndpoint, deliverDueWebhooks, signWebhook, verifyWebhook, webhookDeliveries,
  webhookEndpoints, writeJobEvent, type Database, type DeliveryOptions, type Job,
} from "../src/index.js";
import { startWebhookReceiver, type WebhookReceiver } from "../src/testing-webhooks.js";
import { DRIVERS, seedJobs, useTestDatabase } from "./fixtures.js";

// The receiver listens on 127.0.0.1 over http: the dev setting that allows it is on.
const FAST: DeliveryOptions = { baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 5_000, allowInsecureUrls: true };

/** `count` finished jobs of one tenant, each with its job.succeeded event queued for an endpoint at the receiver. */
async function queueEvents(db: Database, receiver: WebhookReceiver, count = 1) {
  const { tenantId, jobs } = await seedJobs(db, count);
  const { row: endpoint, secret } = await createWebhookEndpoint(db, tenantId, { url: receiver.url, events: ["job.succeeded"] });
  receiver.secret = secret;
  for (const job of jobs) {
    expect(await writeJobEvent(db, { ...job, status: "succeeded", finishedAt: new Date() } as Job)).toBe(1);
  }
  return { endpoint, secret, jobs };
}

const deliveries = (db: Database) => db.select().from(webhookDeliveries).orderBy(webhookDeliveries.id);

/** Runs passes until one finds nothing due. */
async function drain(db: Database, opts: DeliveryOptions = FAST, maxPasses = 50) {
  for (let i = 0; i < maxPasses; i++) {
    const r = await deliverDueWebhooks(db, opts);
    if (r.claimed === 0) return;
    await new Promise((res) => setTimeout(res, 5));
  }
  throw new Error("deliveries never drained");
}

describe("webhook signatures", () => {
  it("match the Standard Webhooks test vector", async () => {
    // From the Standard Webhooks spec's reference libraries.
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const body = '{"test": 2432232314}';
    expect(await signWebhook(secret, id, 1614265330, body)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verify refuses a changed body, a wrong secret and a stale timestamp", async () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const now = Math.floor(Date.now() / 1000);
    const signature = await signWebhook(secret, "evt_1", now, "{}");
    const headers = { id: "evt_1", timestamp: String(now), signature };
    expect(await verifyWebhook(secret, headers, "{}")).toBe(true);
    expect(await verifyWebhook(secret, { ...headers, signature: `v1,bogus ${signature}` }, "{}")).toBe(true);
    expect(await verifyWebhook(secret, headers, "{ }")).toBe(false);
    expect(await verifyWebhook("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", headers, "{}")).toBe(false);
    expect(await verifyWebhook(secret, headers, "{}", { nowSeconds: now + 3600 })).toBe(false);
  });

  it("backoff grows 4× per attempt with jitter between half and all of it, capped", () => {
    const opts = { baseDelayMs: 1000, maxDelayMs: 60_000 };
    expect(backoffMs(1, opts, () => 0)).toBe(500);
    expect(backoffMs(1, opts, () => 1)).toBe(1000);
    expect(backoffMs(3, opts, () => 1)).toBe(16_000);
    expect(backoffMs(9, opts, () => 0.5)).toBe(45_000);
  });
});

describe.each(DRIVERS)("webhook delivery (%s)", (driver) => {
  const t = useTestDatabase(driver);
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver?.close());

  it("POSTs the event signed per Standard Webhooks and marks it delivered", async () => {
    const { db } = t.current;
    const { jobs } = await queueEvents(db, receiver);
    const report = await deliverDueWebhooks(db, FAST);
    expect(report).toEqual({ claimed: 1, delivered: 1, retried: 0, failed: 0 });
    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook!.verified).toBe(true);
    expect(hook!.contentType).toBe("application/json");
    expect(hook!.signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const event = JSON.parse(hook!.body);
    expect(event).toMatchObject({ id: hook!.id, type: "job.succeeded", data: { object: "job", id: jobs[0]!.id, status: "succeeded" } });
    const [row] = await deliveries(db);
    expect(row).toMatchObject({ status: "delivered", attempts: 1, lastStatusCode: 204, lastError: null, eventId: hook!.id });
    expect(row!.deliveredAt).toBeInstanceOf(Date);
    expect(await deliverDueWebhooks(db, FAST)).toMatchObject({ claimed: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it("retries a 500 and a timeout with the same id and signature scheme, then succeeds", async () => {
    const { db } = t.current;
    receiver.reply = (_req, n) => (n === 0 ? { status: 500 } : n === 1 ? { status: 200, delayMs: 1_500 } : { status: 200 });
    await queueEvents(db, receiver);
    // The 500 comes back under the generous timeout (a loaded CI machine can take longer than 300 ms for a first
    // request); only the attempt the receiver stalls runs under the short one.
    expect(await deliverDueWebhooks(db, FAST)).toMatchObject({ claimed: 1, retried: 1 });
    let [row] = await deliveries(db);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" });
    await new Promise((r) => setTimeout(r, 10));
    expect(await deliverDueWebhooks(db, { ...FAST, timeoutMs: 300 })).toMatchObject({ claimed: 1, retried: 1 });
    [row] = await deliveries(db);
    expect(row).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: null, lastError: "timed out after 300 ms" });
    await drain(db);
    [row] = await deliveries(db);
    expect(row).toMatchObject({ status: "delivered", attempts: 3, lastStatusCode: 200, lastError: null });
    expect(receiver.received.map((r) => r.id)).toEqual([row!.eventId, row!.eventId, row!.eventId]);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
  });

  it("waits with backoff between attempts and honours Retry-After", async () => {
    const { db } = t.current;
    receiver.reply = (_req, n) => (n === 0 ? { status: 500 } : { status: 503, headers: { "retry-after": "120" } });
    await queueEvents(db, receiver);
    const opts = { baseDelayMs: 10_000, maxDelayMs: 3600_000, allowInsecureUrls: true };
    const before = Date.now();
    await deliverDueWebhooks(db, opts);
    let [row] = await deliveries(db);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 4_000);
    expect(row!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 11_000);
    expect(await deliverDueWebhooks(db, opts)).toMatchObject({ claimed: 0 });
    await db.update(webhookDeliveries).set({ nextAttemptAt: new Date(Date.now() - 1000) });
    await deliverDueWebhooks(db, opts);
    [row] = await deliveries(db);
    expect(row).toMatchObject({ attempts: 2, lastStatusCode: 503 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 115_000);
  });

  it("gives up after maxAttempts and marks the delivery failed", async () => {
    const { db } = t.current;
    receiver.reply = () => ({ status: 500 });
    await queueEvents(db, receiver);
    await drain(db, { ...FAST, maxAttempts: 3 });
    const [row] = await deliveries(db);
    expect(row).toMatchObject({ status: "failed", attempts: 3, lastStatusCode: 500, deliveredAt: null });
    expect(receiver.received).toHaveLength(3);
    expect(await deliverDueWebhooks(db, FAST)).toMatchObject({ claimed: 0 });
  });

  it("a 410 gives up at once and disables the endpoint", async () => {
    const { db } = t.current;
    receiver.reply = () => ({ status: 410 });
    const { endpoint, jobs } = await queueEvents(db, receiver);
    expect(await deliverDueWebhooks(db, FAST)).toMatchObject({ claimed: 1, failed: 1 });
    const [ep] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(ep).toMatchObject({ enabled: false });
    expect(ep!.disabledAt).toBeInstanceOf(Date);
    expect(await writeJobEvent(db, { ...jobs[0]!, status: "failed" })).toBe(0);
  });

  it("two concurrent dispatchers deliver each event exactly once", async () => {
    const { db } = t.current;
    receiver.reply = () => ({ status: 200, delayMs: 20 });
    await queueEvents(db, receiver, 24);
    const dispatcher = async () => {
      const mine: number[] = [];
      for (;;) {
        const r = await deliverDueWebhooks(db, { ...FAST, batchSize: 4 });
        if (r.claimed === 0) return mine;
        mine.push(r.delivered);
      }
    };
    const [a, b] = await Promise.all([dispatcher(), dispatcher()]);
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(sum(a!) + sum(b!)).toBe(24);
    const counts = [...receiver.countById().values()];
    expect(counts).toHaveLength(24);
    expect(counts.every((n) => n === 1)).toBe(true);
    expect((await deliveries(db)).every((r) => r.status === "delivered" && r.attempts === 1)).toBe(true);
  });
});
