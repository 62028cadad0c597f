// Endpoint health: a run of failed attempts is timed from its first failure; 410 Gone or too long a run disables.
import { newId } from "@thinktime/core";
import type { EndpointDisabledEvent } from "@thinktime/core/api/webhooks";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import type { Queryable } from "./credits.js";
import { webhookEndpoints, type WebhookEndpoint } from "./schema.js";
import { writeTenantEvent } from "./webhooks.js";

/** Days of nothing but failed attempts after which an endpoint is disabled. */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3600_000;

/** A delivered attempt ends the endpoint's run of failures. */
export async function noteEndpointSuccess(db: Database, endpointId: string): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ failingSince: null })
    .where(and(eq(webhookEndpoints.id, endpointId), isNotNull(webhookEndpoints.failingSince)));
}

/**
 * A failed attempt starts a run of failures or extends it; if the run is older than `disableAfterMs`, the endpoint
 * is disabled. Returns whether this call disabled it.
 */
export async function noteEndpointFailure(db: Database, endpointId: string, lastError: string, disableAfterMs: number): Promise<boolean> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning({
      enabled: webhookEndpoints.enabled,
      expired: sql<boolean>`${webhookEndpoints.failingSince} <= now() - ${disableAfterMs}::double precision * interval '1 millisecond'`,
    });
  if (!row?.enabled || !row.expired) return false;
  return db.transaction((tx) => disableEndpoint(tx, endpointId, "failing", lastError));
}

/**
 * Disables an enabled endpoint, records why on it (`disabled_event`), and tells the tenant's other endpoints that
 * subscribe to `webhook.endpoint_disabled`, in the caller's transaction. False if it was already disabled.
 */
export async function disableEndpoint(
  tx: Queryable,
  endpointId: string,
  reason: EndpointDisabledEvent["data"]["reason"],
  lastError: string | null,
): Promise<boolean> {
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledAt: sql`now()` })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning();
  if (!endpoint) return false;
  const event = disabledEvent(endpoint, reason, lastError);
  await tx.update(webhookEndpoints).set({ disabledEvent: event }).where(eq(webhookEndpoints.id, endpointId));
  const { id, ...body } = event;
  await writeTenantEvent(tx, {
    id,
    tenantId: endpoint.tenantId,
    type: "webhook.endpoint_disabled",
    key: `${endpoint.id}:webhook.endpoint_disabled:${id}`,
    body,
    exceptEndpointId: endpoint.id,
  });
  return true;
}

function disabledEvent(e: WebhookEndpoint, reason: "gone" | "failing", lastError: string | null): EndpointDisabledEvent {
  return {
    id: newId("evt"),
    type: "webhook.endpoint_disabled",
    timestamp: (e.disabledAt ?? new Date()).toISOString(),
    data: {
      object: "webhook_endpoint",
      id: e.id,
      url: e.url,
      reason,
      failing_since: e.failingSince?.toISOString() ?? null,
      last_error: lastError,
    },
  };
}
