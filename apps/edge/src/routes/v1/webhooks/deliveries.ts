// GET /v1/webhooks/{id}/deliveries: an endpoint's recent deliveries (status, attempts, last outcome), newest first.
import { createRoute } from "@hono/zod-openapi";
import { findWebhookEndpoint, listWebhookDeliveries } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { DEFAULT_PAGE_SIZE, AUTH_PROBLEMS, BEARER, json, problems, WebhookDeliveryListSchema, WebhookIdParam, pageQuery } from "../../schemas.js";
import { toDeliveryResource } from "./serialize.js";

const DeliveriesQuery = pageQuery("whd");

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
