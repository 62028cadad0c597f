// POST /admin/tenants/{id}/keys/{key_id}/revoke: revokes a tenant's key (e.g. a leaked one); operator admin keys only.
import { createRoute, z } from "@hono/zod-openapi";
import { revokeKey } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, KeySchema, problems, TenantIdParam } from "../../schemas.js";
import { toKeyResource } from "../../v1/keys/serialize.js";

const Params = TenantIdParam.extend({
  key_id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "key_id", in: "path" }, example: "key_01jc5x3v7m2k8q9r4t6w8y0z2a4c" }),
});

export const adminRevokeKeyRoute = createRoute({
  method: "post",
  path: "/admin/tenants/{id}/keys/{key_id}/revoke",
  operationId: "adminRevokeKey",
  tags: ["admin"],
  summary: "Revoke a tenant's API key",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { params: Params },
  responses: {
    200: json(KeySchema, "The revoked key"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerAdminRevokeKey(app: App) {
  app.openapi(adminRevokeKeyRoute, async (c) => {
    const { id, key_id } = c.req.valid("param");
    // Scoped by the tenant in the path: a key id under the wrong tenant is a 404.
    const row = await revokeKey(c.get("services").db, id, key_id);
    if (!row) throw new ApiError("not_found", "No such key for this tenant.");
    return c.json(toKeyResource(row), 200);
  });
}
