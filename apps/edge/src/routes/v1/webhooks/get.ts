// GET /v1/webhooks/{id}: one endpoint (never its secret), with why delivery disabled it if it did. Others' ids 404.
import { createRoute } from "@hono/zod-openapi";
import { findWebhookEndpoint } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, WebhookIdParam, WebhookSchema } from "../../schemas.js";
import { toWebhookResource } from "./serialize.js";

export const getWebhookRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}",
  operationId: "getWebhook",
  tags: ["webhooks"],
  summary: "Get a webhook endpoint",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: WebhookIdParam },
  responses: {
    200: json(WebhookSchema, "The endpoint; `disabled_event` says why delivery disabled it"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerGetWebhook(app: App) {
  app.openapi(getWebhookRoute, async (c) => {
    const row = await findWebhookEndpoint(c.get("services").db, c.get("tenant").id, c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "No such webhook endpoint.");
    return c.json(toWebhookResource(row), 200);
  });
}
