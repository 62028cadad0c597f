// GET /v1/webhooks: the caller's tenant's webhook endpoints, newest first; never a secret.
import { createRoute } from "@hono/zod-openapi";
import { listWebhookEndpoints } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, WebhookListSchema } from "../../schemas.js";
import { toWebhookResource } from "./serialize.js";

export const listWebhooksRoute = createRoute({
  method: "get",
  path: "/v1/webhooks",
  operationId: "listWebhooks",
  tags: ["webhooks"],
  summary: "List webhook endpoints",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  responses: {
    200: json(WebhookListSchema, "The tenant's endpoints"),
    ...problems(...AUTH_PROBLEMS),
  },
});

export function registerListWebhooks(app: App) {
  app.openapi(listWebhooksRoute, async (c) => {
    const rows = await listWebhookEndpoints(c.get("services").db, c.get("tenant").id);
    return c.json({ object: "list" as const, data: rows.map(toWebhookResource) }, 200);
  });
}
