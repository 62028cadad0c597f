// GET /v1/usage: the caller's compute credits in a month (limit, reserved by unfinished jobs, spent, remaining).
import { createRoute } from "@hono/zod-openapi";
import { creditPeriod } from "@thinktime/core/api/credits";
import { creditBalance } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreditUsageSchema, json, problems } from "../../schemas.js";
import { PeriodQuery } from "./period.js";
import { toCreditUsage } from "./serialize.js";

export const getUsageRoute = createRoute({
  method: "get",
  path: "/v1/usage",
  operationId: "getUsage",
  tags: ["usage"],
  summary: "Compute credits used in a month",
  security: BEARER,
  middleware: [requireKey("usage:read")] as const,
  request: { query: PeriodQuery },
  responses: {
    200: json(CreditUsageSchema, "The tenant's credits in the period"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerGetUsage(app: App) {
  app.openapi(getUsageRoute, async (c) => {
    const { period = creditPeriod() } = c.req.valid("query");
    return c.json(toCreditUsage(await creditBalance(c.get("services").db, c.get("tenant").id, period)), 200);
  });
}
