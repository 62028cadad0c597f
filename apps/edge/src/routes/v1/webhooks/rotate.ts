// POST /v1/webhooks/{id}/rotate-secret: a new signing secret, shown once; the old one also signs for a grace period.
import { createRoute } from "@hono/zod-openapi";
import { DEFAULT_SECRET_GRACE_SECONDS, RotateWebhookSecretRequest } from "@thinktime/core/api/webhooks";
import { rotateWebhookSecret } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreatedWebhookSchema, json, named, problems, WebhookIdParam } from "../../schemas.js";
import { toCreatedWebhookResource } from "./serialize.js";

const RotateBody = named(RotateWebhookSecretRequest, "RotateWebhookSecretRequest");

export const rotateWebhookSecretRoute = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  tags: ["webhooks"],
  summary: "Rotate an endpoint's signing secret (the new one is shown once; the old one signs too for a while)",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: {
    params: WebhookIdParam,
    body: { required: false, content: { "application/json": { schema: RotateBody } } },
  },
  responses: {
    200: json(CreatedWebhookSchema, "The endpoint with its new `whsec_` secret; `rotation_grace_ends_at` ends the overlap"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "not_found", "unsupported_media_type"),
  },
});

export function registerRotateWebhookSecret(app: App) {
  app.openapi(rotateWebhookSecretRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json") as RotateWebhookSecretRequest | undefined;
    const grace = body?.grace_seconds ?? DEFAULT_SECRET_GRACE_SECONDS;
    const rotated = await rotateWebhookSecret(c.get("services").db, c.get("tenant").id, id, grace);
    if (!rotated) throw new ApiError("not_found", "No such webhook endpoint.");
    c.header("cache-control", "no-store");
    return c.json(toCreatedWebhookResource(rotated), 200);
  });
}
