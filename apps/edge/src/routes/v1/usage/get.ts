// GET /v1/usage: the caller's compute credits in a month (limit, reserved by unfinished jobs, spent, remaining), or
// with `group_by=day|model|strategy` its usage in that month summed per bucket.
import { createRoute, z } from "@hono/zod-openapi";
import { creditPeriod } from "@thinktime/core/api/credits";
import { creditBalance } from "@thinktime/db";
import { USAGE_GROUPS, usageSummary } from "@thinktime/db/usage-summary";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreditUsageSchema, json, problems } from "../../schemas.js";
import { PeriodQuery } from "./period.js";
import { toCreditUsage } from "./serialize.js";
import { toUsageSummary, UsageSummarySchema } from "./summary.js";

const UsageQuery = PeriodQuery.extend({
  group_by: z
    .enum(USAGE_GROUPS)
    .optional()
    .openapi({
      param: { name: "group_by", in: "query" },
      description: "Sum the period's usage per UTC day, model or strategy (a `usage_summary`); without it, the credit balance",
    }),
});

export const getUsageRoute = createRoute({
  method: "get",
  path: "/v1/usage",
  operationId: "getUsage",
  tags: ["usage"],
  summary: "Compute credits used in a month, or usage grouped by day, model or strategy",
  security: BEARER,
  middleware: [requireKey("usage:read")] as const,
  request: { query: UsageQuery },
  responses: {
    200: json(z.union([CreditUsageSchema, UsageSummarySchema]), "The tenant's credits in the period, or its usage per bucket with group_by"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerGetUsage(app: App) {
  app.openapi(getUsageRoute, async (c) => {
    const { period = creditPeriod(), group_by } = c.req.valid("query");
    const { db } = c.get("services");
    const tenantId = c.get("tenant").id;
    if (group_by) return c.json(toUsageSummary(tenantId, period, group_by, await usageSummary(db, tenantId, period, group_by)), 200);
    return c.json(toCreditUsage(await creditBalance(db, tenantId, period)), 200);
  });
}
