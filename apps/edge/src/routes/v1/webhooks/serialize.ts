// Turns webhook endpoint and delivery rows into public resources; only a freshly created endpoint carries its secret.
import type {
  CreatedWebhookResource, EndpointDisabledEvent, WebhookDeliveryResource, WebhookResource,
} from "@thinktime/core/api/webhooks";
import type { CreatedWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from "@thinktime/db";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toWebhookResource(e: WebhookEndpoint): WebhookResource {
  return {
    id: e.id,
    object: "webhook_endpoint",
    url: e.url,
    events: e.events,
    enabled: e.enabled,
    created_at: e.createdAt.toISOString(),
    disabled_at: iso(e.disabledAt),
    disabled_event: (e.disabledEvent as EndpointDisabledEvent | null) ?? null,
    rotation_grace_ends_at: e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date() ? e.previousSecretExpiresAt.toISOString() : null,
  };
}

export function toCreatedWebhookResource(e: CreatedWebhookEndpoint): CreatedWebhookResource {
  return { ...toWebhookResource(e.row), secret: e.secret };
}

export function toDeliveryResource(d: WebhookDelivery): WebhookDeliveryResource {
  return {
    id: d.id,
    object: "webhook_delivery",
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    delivered_at: iso(d.deliveredAt),
  };
}
