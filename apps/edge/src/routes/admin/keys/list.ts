// GET /admin/tenants/{id}/keys: a tenant's keys (never plaintexts); operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { findTenant, listKeys } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, KeyListSchema, problems, TenantIdParam } from "../../schemas.js";
import { toKeyResource } from "../../v1/keys/serialize.js";

export const adminListKeysRoute = createRoute({
  method: "get",
  path: "/admin/tenants/{id}/keys",
  operationId: "adminListKeys",
  tags: ["admin"],
  summary: "List a tenant's API keys",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { params: TenantIdParam },
  responses: {
    200: json(KeyListSchema, "The tenant's keys"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerAdminListKeys(app: App) {
  app.openapi(adminListKeysRoute, async (c) => {
    const db = c.get("services").db;
    const tenant = await findTenant(db, c.req.valid("param").id);
    if (!tenant) throw new ApiError("not_found", "No such tenant.");
    return c.json({ object: "list" as const, data: (await listKeys(db, tenant.id)).map(toKeyResource) }, 200);
  });
}
