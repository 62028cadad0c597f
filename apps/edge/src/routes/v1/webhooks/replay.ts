// POST /v1/webhooks/{id}/deliveries/{delivery_id}/replay: sends a delivered or failed event again (same webhook-id).
import { createRoute } from "@hono/zod-openapi";
import { replayWebhookDelivery } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, DeliveryIdParam, json, problems, WebhookDeliverySchema } from "../../schemas.js";
import { toDeliveryResource } from "./serialize.js";

export const replayDeliveryRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
  operationId: "replayWebhookDelivery",
  tags: ["webhooks"],
  summary: "Queue a delivery again, due now, with the same event id and payload",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: DeliveryIdParam },
  responses: {
    202: json(WebhookDeliverySchema, "Queued again: pending, attempts reset"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found", "conflict"),
  },
});

export function registerReplayDelivery(app: App) {
  app.openapi(replayDeliveryRoute, async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const out = await replayWebhookDelivery(c.get("services").db, c.get("tenant").id, id, delivery_id);
    if (out.kind === "not_found") throw new ApiError("not_found", "No such delivery for this webhook endpoint.");
    if (out.kind === "pending") throw new ApiError("conflict", "The delivery is still pending; it will be attempted anyway.");
    if (out.kind === "endpoint_disabled") throw new ApiError("conflict", "The endpoint is disabled; re-enable it with POST /v1/webhooks/{id}/enable first.");
    return c.json(toDeliveryResource(out.row), 202);
  });
}
