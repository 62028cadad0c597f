// Webhook endpoints per tenant, and the outbox writer that queues an event (a job's, an invoice's) in its own transaction.
import { newId } from "@thinktime/core";
import type { WebhookEvent, WebhookEventType } from "@thinktime/core/api/webhooks";
import { and, count, desc, eq, lt, ne, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import type { Queryable } from "./credits.js";
import { newWebhookSecret } from "./webhook-signature.js";
import { webhookDeliveries, webhookEndpoints, type Job, type WebhookDelivery, type WebhookEndpoint } from "./schema.js";

const EVENT_FOR_STATUS: Partial<Record<Job["status"], WebhookEvent["type"]>> = {
  succeeded: "job.succeeded",
  failed: "job.failed",
  canceled: "job.canceled",
};

export interface TenantEvent {
  /** The event id (`evt_…`, sent as `webhook-id`); a new one by default. */
  id?: string;
  tenantId: string;
  type: WebhookEventType;
  /** What happened, e.g. `job_…:job.succeeded`: the event is written once per endpoint even if asked twice. */
  key: string;
  /** The event body without its id: `{type, timestamp, data}`. */
  body: { type: WebhookEventType; timestamp: string; data: unknown };
  /** An endpoint not to send it to (the one the event is about). */
  exceptEndpointId?: string;
}

/**
 * Queues an event: one outbox row per enabled endpoint of its tenant subscribed to its type, all with one event id.
 * Call it inside the transaction that made the event happen, so it commits with it or not at all. Returns the rows
 * written.
 */
export async function writeTenantEvent(tx: Queryable, e: TenantEvent): Promise<number> {
  const targets = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.tenantId, e.tenantId),
        eq(webhookEndpoints.enabled, true),
        sql`${webhookEndpoints.events} @> ${JSON.stringify([e.type])}::jsonb`,
        e.exceptEndpointId ? ne(webhookEndpoints.id, e.exceptEndpointId) : undefined,
      ),
    );
  if (targets.length === 0) return 0;
  const eventId = e.id ?? newId("evt");
  const payload = { id: eventId, ...e.body } as Record<string, unknown>;
  const written = await tx
    .insert(webhookDeliveries)
    .values(
      targets.map((t) => ({
        id: newId("whd"),
        eventId,
        eventKey: e.key,
        tenantId: e.tenantId,
        endpointId: t.id,
        eventType: e.type,
        payload,
      })),
    )
    .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventKey] })
    .returning({ id: webhookDeliveries.id });
  return written.length;
}

/** Queues the event of a job that just reached a terminal state (in the transaction that made the transition). */
export async function writeJobEvent(tx: Queryable, job: Job): Promise<number> {
  const type = EVENT_FOR_STATUS[job.status];
  if (!type) return 0;
  const body: Omit<WebhookEvent, "id"> = {
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
  return writeTenantEvent(tx, { tenantId: job.tenantId, type, key: `${job.id}:${type}`, body });
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
