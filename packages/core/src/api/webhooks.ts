// The webhooks contract (/v1/webhooks): the closed set of event types, endpoint requests, endpoints, deliveries, events.
import { z } from "zod";

/** One event per terminal job status. */
export const JOB_EVENT_TYPES = ["job.succeeded", "job.failed", "job.canceled"] as const;
/** Every event a tenant can subscribe to: job events, invoices finalized, and endpoints disabled by delivery. */
export const WEBHOOK_EVENT_TYPES = [...JOB_EVENT_TYPES, "invoice.finalized", "webhook.endpoint_disabled"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Endpoints per tenant; a create past this is a 409. */
export const MAX_WEBHOOK_ENDPOINTS = 16;
export const MAX_WEBHOOK_URL_CHARS = 2048;

export const CreateWebhookRequest = z
  .object({
    url: z
      .string()
      .max(MAX_WEBHOOK_URL_CHARS)
      .pipe(z.url({ protocol: /^https?$/, message: "url must be an absolute http:// or https:// URL" })),
    events: z
      .array(z.enum(WEBHOOK_EVENT_TYPES))
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length * 2)
      .default([...WEBHOOK_EVENT_TYPES]),
  })
  .strict();
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>;

const iso = z.string().describe("ISO 8601 timestamp");

/** Recorded on an endpoint when delivery disables it, and sent to the tenant's other endpoints subscribed to it. */
export const EndpointDisabledEvent = z.object({
  id: z.string(),
  type: z.literal("webhook.endpoint_disabled"),
  timestamp: iso,
  data: z.object({
    object: z.literal("webhook_endpoint"),
    id: z.string(),
    url: z.string(),
    reason: z.enum(["gone", "failing"]).describe("gone: the receiver answered 410; failing: every attempt failed for days"),
    failing_since: iso.nullable(),
    last_error: z.string().nullable(),
  }),
});
export type EndpointDisabledEvent = z.infer<typeof EndpointDisabledEvent>;

/** An endpoint as listed: never its secret. */
export const WebhookResource = z.object({
  id: z.string(),
  object: z.literal("webhook_endpoint"),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean().describe("False once the receiver answered 410 Gone or failed continuously for days"),
  created_at: iso,
  disabled_at: iso.nullable(),
  disabled_event: EndpointDisabledEvent.nullable().describe("Why delivery disabled the endpoint"),
  rotation_grace_ends_at: iso.nullable().describe("Until then deliveries are also signed with the secret before the last rotation"),
});
export type WebhookResource = z.infer<typeof WebhookResource>;

/** An endpoint just made: the only response that carries its signing secret. */
export const CreatedWebhookResource = WebhookResource.extend({
  secret: z.string().describe("`whsec_…` (Standard Webhooks); shown once; store it now"),
});
export type CreatedWebhookResource = z.infer<typeof CreatedWebhookResource>;

/** Hours a rotated-out secret keeps signing by default, so receivers can switch without dropping events. */
export const DEFAULT_SECRET_GRACE_SECONDS = 24 * 3600;

export const RotateWebhookSecretRequest = z
  .object({
    grace_seconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(DEFAULT_SECRET_GRACE_SECONDS)
      .describe("How long the old secret also signs deliveries (default 24 h; 0: not at all)"),
  })
  .strict();
export type RotateWebhookSecretRequest = z.infer<typeof RotateWebhookSecretRequest>;

export const WebhookList = z.object({ object: z.literal("list"), data: z.array(WebhookResource) });
export type WebhookList = z.infer<typeof WebhookList>;

export const DeletedWebhookResource = z.object({
  id: z.string(),
  object: z.literal("webhook_endpoint"),
  deleted: z.literal(true),
});
export type DeletedWebhookResource = z.infer<typeof DeletedWebhookResource>;

/** One event on its way to one endpoint, with the outcome of its latest attempt. */
export const WebhookDeliveryResource = z.object({
  id: z.string(),
  object: z.literal("webhook_delivery"),
  endpoint_id: z.string(),
  event_id: z.string().describe("Sent as the `webhook-id` header"),
  event_type: z.string(),
  status: z.enum(["pending", "delivered", "failed"]),
  attempts: z.number().int(),
  next_attempt_at: iso.nullable().describe("Null once delivered or given up"),
  last_attempt_at: iso.nullable(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: iso,
  delivered_at: iso.nullable(),
});
export type WebhookDeliveryResource = z.infer<typeof WebhookDeliveryResource>;

export const WebhookDeliveryList = z.object({
  object: z.literal("list"),
  data: z.array(WebhookDeliveryResource),
  next_cursor: z.string().nullable(),
});
export type WebhookDeliveryList = z.infer<typeof WebhookDeliveryList>;

/** The JSON body of a job event POSTed to an endpoint, signed per Standard Webhooks. */
export const WebhookEvent = z.object({
  id: z.string().describe("evt_…, equal to the `webhook-id` header"),
  type: z.enum(JOB_EVENT_TYPES),
  timestamp: iso,
  data: z.object({
    object: z.literal("job"),
    id: z.string(),
    status: z.string(),
    strategy: z.string(),
    result: z.record(z.string(), z.unknown()).nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    created_at: iso,
    finished_at: iso.nullable(),
  }),
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;
