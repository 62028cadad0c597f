// POST /v1/webhooks: a new endpoint for the caller's tenant (admin scope); its signing secret is shown here once.
// The URL must be https to a public host (the SSRF guard; a dev setting relaxes it): otherwise 422.
import { createRoute } from "@hono/zod-openapi";
import { MAX_WEBHOOK_ENDPOINTS } from "@thinktime/core/api/webhooks";
import { checkWebhookUrl, countWebhookEndpoints, createWebhookEndpoint, dohResolver } from "@thinktime/db";
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
    ...problems(
      "invalid_json", "validation_failed", ...AUTH_PROBLEMS, "conflict", "webhook_url_not_allowed", "payload_too_large",
      "unsupported_media_type",
    ),
  },
});

export function registerCreateWebhook(app: App) {
  app.openapi(createWebhookRoute, async (c) => {
    const { db, webhookUrls } = c.get("services");
    const tenantId = c.get("tenant").id;
    const body = c.req.valid("json");
    // A host that does not resolve yet is accepted: delivery checks again before every attempt.
    const verdict = await checkWebhookUrl(body.url, webhookUrls ?? { allowInsecure: false, resolveHost: dohResolver() });
    if (!verdict.ok && !verdict.unresolved) {
      throw new ApiError("webhook_url_not_allowed", `The webhook URL is not allowed: ${verdict.reason}.`, [
        { path: "body.url", message: verdict.reason },
      ]);
    }
    if ((await countWebhookEndpoints(db, tenantId)) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new ApiError("conflict", `A tenant may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`);
    }
    const endpoint = toCreatedWebhookResource(await createWebhookEndpoint(db, tenantId, body));
    c.header("location", `/v1/webhooks/${endpoint.id}`);
    c.header("cache-control", "no-store");
    return c.json(endpoint, 201);
  });
}
