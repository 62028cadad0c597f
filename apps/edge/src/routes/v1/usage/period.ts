// The `period` query parameter shared by the usage routes: a calendar month, the current one by default.
import { z } from "@hono/zod-openapi";
import { PERIOD } from "@thinktime/core/api/tenants";

export const PeriodQuery = z.object({
  period: z
    .string()
    .regex(PERIOD, "period must be YYYY-MM")
    .optional()
    .openapi({ param: { name: "period", in: "query" }, description: "Calendar month (UTC), default the current one", example: "2026-11" }),
});
