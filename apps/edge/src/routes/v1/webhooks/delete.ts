// DELETE /v1/webhooks/{id}: removes an endpoint with its delivery log; nothing more is sent to it. Others' ids 404.
import { createRoute } from "@hono/zod-openapi";
import { deleteWebhookEndpoint } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, DeletedWebhookSchema, json, problems, WebhookIdParam } from "../../schemas.js";

export const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  operationId: "deleteWebhook",
  tags: ["webhooks"],
  summary: "Delete a webhook endpoint",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: WebhookIdParam },
  responses: {
    200: json(DeletedWebhookSchema, "The endpoint is gone"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerDeleteWebhook(app: App) {
  app.openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteWebhookEndpoint(c.get("services").db, c.get("tenant").id, id))) {
      throw new ApiError("not_found", "No such webhook endpoint.");
    }
    return c.json({ id, object: "webhook_endpoint" as const, deleted: true as const }, 200);
  });
}
