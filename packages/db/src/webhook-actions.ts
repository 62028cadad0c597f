// What a tenant does to its endpoints besides create and delete: rotate the signing secret, replay a delivery, re-enable.
import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { newWebhookSecret } from "./webhook-signature.js";
import { webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "./schema.js";

/**
 * Gives the endpoint a new secret; the current one keeps signing too (a second signature) for `graceSeconds`, so the
 * receiver can switch without dropping events. A secret rotated out earlier is forgotten. Null: no such endpoint.
 */
export async function rotateWebhookSecret(
  db: Database,
  tenantId: string,
  id: string,
  graceSeconds: number,
): Promise<{ row: WebhookEndpoint; secret: string } | null> {
  const secret = newWebhookSecret();
  const [row] = await db
    .update(webhookEndpoints)
    .set({
      secret,
      previousSecret: graceSeconds > 0 ? sql`${webhookEndpoints.secret}` : null,
      previousSecretExpiresAt: graceSeconds > 0 ? sql`now() + ${graceSeconds}::double precision * interval '1 second'` : null,
    })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)))
    .returning();
  return row ? { row, secret } : null;
}

export type ReplayOutcome =
  | { kind: "replayed"; row: WebhookDelivery }
  | { kind: "not_found" }
  /** Still pending: it will be attempted anyway. */
  | { kind: "pending" }
  | { kind: "endpoint_disabled" };

/**
 * Queues a delivered or failed delivery again, due now, with a fresh attempt count: the same event id (the
 * `webhook-id` receivers deduplicate on) and payload. Another tenant's delivery is as unknown as a made-up one.
 */
export async function replayWebhookDelivery(db: Database, tenantId: string, endpointId: string, deliveryId: string): Promise<ReplayOutcome> {
  const [found] = await db
    .select({ status: webhookDeliveries.status, enabled: webhookEndpoints.enabled })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(
      and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.tenantId, tenantId)),
    );
  if (!found) return { kind: "not_found" };
  if (!found.enabled) return { kind: "endpoint_disabled" };
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: "pending", attempts: 0, nextAttemptAt: sql`now()`, deliveredAt: null })
    .where(and(eq(webhookDeliveries.id, deliveryId), ne(webhookDeliveries.status, "pending")))
    .returning();
  return row ? { kind: "replayed", row } : { kind: "pending" };
}

/**
 * Turns an endpoint that delivery disabled (410 Gone, or failing too long) back on: it gets events again from now on,
 * with its run of failures forgotten so the next failed attempt does not disable it at once. Deliveries given up while
 * it was off stay as they are (replay them one by one). An enabled endpoint is returned unchanged. Null: no such one.
 */
export async function enableWebhookEndpoint(db: Database, tenantId: string, id: string): Promise<WebhookEndpoint | null> {
  const mine = and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId));
  const [enabled] = await db
    .update(webhookEndpoints)
    .set({ enabled: true, disabledAt: null, disabledEvent: null, failingSince: null })
    .where(and(mine, eq(webhookEndpoints.enabled, false)))
    .returning();
  if (enabled) return enabled;
  const [row] = await db.select().from(webhookEndpoints).where(mine);
  return row ?? null;
}
