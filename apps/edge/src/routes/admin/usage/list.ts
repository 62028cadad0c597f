// GET /admin/usage: every tenant's compute credits in a month; operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { creditPeriod } from "@thinktime/core/api/credits";
import { creditBalances } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreditUsageListSchema, json, problems } from "../../schemas.js";
import { PeriodQuery } from "../../v1/usage/period.js";
import { toCreditUsage } from "../../v1/usage/serialize.js";

export const adminUsageRoute = createRoute({
  method: "get",
  path: "/admin/usage",
  operationId: "adminListUsage",
  tags: ["admin"],
  summary: "Compute credits of every tenant in a month",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { query: PeriodQuery },
  responses: {
    200: json(CreditUsageListSchema, "Credits per tenant"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerAdminUsage(app: App) {
  app.openapi(adminUsageRoute, async (c) => {
    const { period = creditPeriod() } = c.req.valid("query");
    const rows = await creditBalances(c.get("services").db, period);
    return c.json({ object: "list" as const, period, data: rows.map(toCreditUsage) }, 200);
  });
}
