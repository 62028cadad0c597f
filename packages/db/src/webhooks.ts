// Webhook endpoints per tenant, and the outbox writer that queues a job's terminal event in the job's own transaction.
import { newId } from "@thinktime/core";
import type { WebhookEvent, WebhookEventType } from "@thinktime/core/api/webhooks";
import { and, count, desc, eq, lt, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import type { Queryable } from "./credits.js";
import { newWebhookSecret } from "./webhook-signature.js";
import { webhookDeliveries, webhookEndpoints, type Job, type WebhookDelivery, type WebhookEndpoint } from "./schema.js";

const EVENT_FOR_STATUS: Partial<Record<Job["status"], WebhookEventType>> = {
  succeeded: "job.succeeded",
  failed: "job.failed",
  canceled: "job.canceled",
};

/**
 * Queues the event of a job that just reached a terminal state: one outbox row per enabled endpoint of its tenant
 * subscribed to it. Call it inside the transaction that made the transition, so the event commits with it or not
 * at all; `event_key` makes a repeated call a no-op. Returns how many rows it wrote.
 */
export async function writeJobEvent(tx: Queryable, job: Job): Promise<number> {
  const type = EVENT_FOR_STATUS[job.status];
  if (!type) return 0;
  const targets = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, job.tenantId),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.events} @> ${JSON.stringify([type])}::jsonb`,
      ),
    );
  if (targets.length === 0) return 0;
  const eventId = newId("evt");
  const event: WebhookEvent = {
    id: eventId,
    type,
    timestamp: (job.finishedAt ?? new Date()).toISOString(),
    data: {
      object: "job",
      id: job.id,
      status: job.status,
      strategy: job.strategy,
      result: job.result ?? null,
      error: job.error ?? null,
      created_at: job.createdAt.toISOString(),
      finished_at: job.finishedAt?.toISOString() ?? null,
    },
  };
  const written = await tx
    .insert(webhookDeliveries)
    .values(
      targets.map((t) => ({
        id: newId("whd"),
        eventId,
        eventKey: `${job.id}:${type}`,
        tenantId: job.tenantId,
        endpointId: t.id,
        eventType: type,
        payload: event as unknown as Record<string, unknown>,
      })),
    )
    .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventKey] })
    .returning({ id: webhookDeliveries.id });
  return written.length;
}

export interface CreatedWebhookEndpoint {
  row: WebhookEndpoint;
  /** The signing secret (`whsec_…`): returned here, and never by a listing. */
  secret: string;
}

export async function createWebhookEndpoint(
  db: Database,
  tenantId: string,
  args: { url: string; events: string[] },
): Promise<CreatedWebhookEndpoint> {
  const secret = newWebhookSecret();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ id: newId("whe"), tenantId, url: args.url, secret, events: [...new Set(args.events)] })
    .returning();
  return { row: row!, secret };
}

export async function countWebhookEndpoints(db: Database, tenantId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId));
  return row?.n ?? 0;
}

/** The tenant's endpoints, newest first. */
export function listWebhookEndpoints(db: Database, tenantId: string): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId))
    .orderBy(desc(webhookEndpoints.id));
}

/** One of the tenant's endpoints; another tenant's id is as unknown as a made-up one. */
export async function findWebhookEndpoint(db: Database, tenantId: string, id: string): Promise<WebhookEndpoint | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)));
  return row ?? null;
}

/** Deletes the endpoint and its delivery log (pending deliveries are dropped). False if the tenant has no such one. */
export async function deleteWebhookEndpoint(db: Database, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.tenantId, tenantId)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** An endpoint's deliveries newest first, `limit + 1` read to know whether another page follows. */
export async function listWebhookDeliveries(
  db: Database,
  tenantId: string,
  endpointId: string,
  opts: { limit: number; before?: string },
): Promise<{ rows: WebhookDelivery[]; more: boolean }> {
  const mine = and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.tenantId, tenantId));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(opts.before ? and(mine, lt(webhookDeliveries.id, opts.before)) : mine)
    .orderBy(desc(webhookDeliveries.id))
    .limit(opts.limit + 1);
  return { rows: rows.slice(0, opts.limit), more: rows.length > opts.limit };
}
