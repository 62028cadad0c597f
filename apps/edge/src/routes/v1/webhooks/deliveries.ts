// GET /v1/webhooks/{id}/deliveries: an endpoint's recent deliveries (status, attempts, last outcome), newest first.
import { createRoute, z } from "@hono/zod-openapi";
import { LIMITS } from "@thinktime/core";
import { findWebhookEndpoint, listWebhookDeliveries } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, WebhookDeliveryListSchema, WebhookIdParam } from "../../schemas.js";
import { toDeliveryResource } from "./serialize.js";

export const DEFAULT_PAGE_SIZE = 20;

const DeliveriesQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(LIMITS.pageSize))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: LIMITS.pageSize, default: DEFAULT_PAGE_SIZE }),
  cursor: z
    .string()
    .regex(/^whd_[0-9a-z]{26}$/, "invalid cursor")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

export const listDeliveriesRoute = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  tags: ["webhooks"],
  summary: "List an endpoint's recent deliveries",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: WebhookIdParam, query: DeliveriesQuery },
  responses: {
    200: json(WebhookDeliveryListSchema, "A page of deliveries"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerListDeliveries(app: App) {
  app.openapi(listDeliveriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { limit = DEFAULT_PAGE_SIZE, cursor } = c.req.valid("query");
    const db = c.get("services").db;
    const tenantId = c.get("tenant").id;
    if (!(await findWebhookEndpoint(db, tenantId, id))) throw new ApiError("not_found", "No such webhook endpoint.");
    const page = await listWebhookDeliveries(db, tenantId, id, { limit, before: cursor });
    const last = page.rows.at(-1);
    return c.json(
      { object: "list" as const, data: page.rows.map(toDeliveryResource), next_cursor: page.more && last ? last.id : null },
      200,
    );
  });
}
