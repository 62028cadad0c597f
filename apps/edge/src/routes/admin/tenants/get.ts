// GET /admin/tenants/{id}: one tenant with its quotas; operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { findTenant } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, TenantIdParam, TenantSchema } from "../../schemas.js";
import { toTenantResource } from "./serialize.js";

export const getTenantRoute = createRoute({
  method: "get",
  path: "/admin/tenants/{id}",
  operationId: "adminGetTenant",
  tags: ["admin"],
  summary: "Get a tenant",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { params: TenantIdParam },
  responses: {
    200: json(TenantSchema, "The tenant"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerAdminGetTenant(app: App) {
  app.openapi(getTenantRoute, async (c) => {
    const tenant = await findTenant(c.get("services").db, c.req.valid("param").id);
    if (!tenant) throw new ApiError("not_found", "No such tenant.");
    return c.json(toTenantResource(tenant), 200);
  });
}
