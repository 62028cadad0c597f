// PATCH /admin/tenants/{id}/quotas: sets requests per minute and monthly credits (null: unlimited); operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { updateQuotas } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, TenantIdParam, TenantSchema, UpdateQuotasBody } from "../../schemas.js";
import { toTenantResource } from "./serialize.js";

export const updateQuotasRoute = createRoute({
  method: "patch",
  path: "/admin/tenants/{id}/quotas",
  operationId: "adminUpdateQuotas",
  tags: ["admin"],
  summary: "Set a tenant's quotas",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: {
    params: TenantIdParam,
    body: { required: true, content: { "application/json": { schema: UpdateQuotasBody } } },
  },
  responses: {
    200: json(TenantSchema, "The tenant with its new quotas"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "not_found", "unsupported_media_type"),
  },
});

export function registerAdminUpdateQuotas(app: App) {
  app.openapi(updateQuotasRoute, async (c) => {
    const req = c.req.valid("json");
    const tenant = await updateQuotas(c.get("services").db, c.req.valid("param").id, {
      requestsPerMinute: req.requests_per_minute,
      monthlyCredits: req.monthly_credits,
    });
    if (!tenant) throw new ApiError("not_found", "No such tenant.");
    return c.json(toTenantResource(tenant), 200);
  });
}
