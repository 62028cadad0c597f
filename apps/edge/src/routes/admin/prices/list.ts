// GET /admin/prices: every price version, per model newest effective first; operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { listPrices } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems } from "../../schemas.js";
import { PriceListQuery, PriceListSchema } from "./schemas.js";
import { toPriceResource } from "./serialize.js";

export const adminListPricesRoute = createRoute({
  method: "get",
  path: "/admin/prices",
  operationId: "adminListPrices",
  tags: ["admin"],
  summary: "List the price book's versions",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { query: PriceListQuery },
  responses: {
    200: json(PriceListSchema, "Price versions, per model newest effective first"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerAdminListPrices(app: App) {
  app.openapi(adminListPricesRoute, async (c) => {
    const rows = await listPrices(c.get("services").db, c.req.valid("query").model);
    return c.json({ object: "list" as const, data: rows.map(toPriceResource) }, 200);
  });
}
