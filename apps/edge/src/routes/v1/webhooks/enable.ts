// POST /v1/webhooks/{id}/enable: turns an endpoint that delivery disabled back on, its failure history forgotten.
import { createRoute } from "@hono/zod-openapi";
import { enableWebhookEndpoint } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, WebhookIdParam, WebhookSchema } from "../../schemas.js";
import { toWebhookResource } from "./serialize.js";

export const enableWebhookRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/enable",
  operationId: "enableWebhook",
  tags: ["webhooks"],
  summary: "Re-enable a webhook endpoint that delivery disabled",
  description:
    "Clears `disabled_at` and `disabled_event` and forgets the endpoint's run of failed attempts, so events written from " +
    "now on are delivered to it again. Deliveries that failed or were skipped while it was disabled are not resent: " +
    "replay them with `POST /v1/webhooks/{id}/deliveries/{delivery_id}/replay`. Enabling an enabled endpoint changes nothing.",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: WebhookIdParam },
  responses: {
    200: json(WebhookSchema, "The endpoint, enabled"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerEnableWebhook(app: App) {
  app.openapi(enableWebhookRoute, async (c) => {
    const row = await enableWebhookEndpoint(c.get("services").db, c.get("tenant").id, c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "No such webhook endpoint.");
    return c.json(toWebhookResource(row), 200);
  });
}
