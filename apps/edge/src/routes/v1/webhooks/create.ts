// POST /v1/webhooks: a new endpoint for the caller's tenant (admin scope); its signing secret is shown here once.
import { createRoute } from "@hono/zod-openapi";
import { MAX_WEBHOOK_ENDPOINTS } from "@thinktime/core/api/webhooks";
import { countWebhookEndpoints, createWebhookEndpoint } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreatedWebhookSchema, CreateWebhookBody, json, problems } from "../../schemas.js";
import { toCreatedWebhookResource } from "./serialize.js";

export const createWebhookRoute = createRoute({
  method: "post",
  path: "/v1/webhooks",
  operationId: "createWebhook",
  tags: ["webhooks"],
  summary: "Create a webhook endpoint (its signing secret is shown once)",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateWebhookBody } } } },
  responses: {
    201: json(CreatedWebhookSchema, "The new endpoint, with its `whsec_` secret"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "conflict", "payload_too_large", "unsupported_media_type"),
  },
});

export function registerCreateWebhook(app: App) {
  app.openapi(createWebhookRoute, async (c) => {
    const db = c.get("services").db;
    const tenantId = c.get("tenant").id;
    if ((await countWebhookEndpoints(db, tenantId)) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new ApiError("conflict", `A tenant may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`);
    }
    const endpoint = toCreatedWebhookResource(await createWebhookEndpoint(db, tenantId, c.req.valid("json")));
    c.header("location", `/v1/webhooks/${endpoint.id}`);
    c.header("cache-control", "no-store");
    return c.json(endpoint, 201);
  });
}
