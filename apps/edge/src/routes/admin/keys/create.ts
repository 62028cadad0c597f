// POST /admin/tenants/{id}/keys: a key for any tenant (e.g. its first admin key); the plaintext is shown once.
import { createRoute } from "@hono/zod-openapi";
import { findTenant } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreatedKeySchema, CreateKeyBody, json, problems, TenantIdParam } from "../../schemas.js";
import { createKeyFor } from "../../v1/keys/create.js";

export const adminCreateKeyRoute = createRoute({
  method: "post",
  path: "/admin/tenants/{id}/keys",
  operationId: "adminCreateKey",
  tags: ["admin"],
  summary: "Create an API key for a tenant",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: {
    params: TenantIdParam,
    body: { required: true, content: { "application/json": { schema: CreateKeyBody } } },
  },
  responses: {
    201: json(CreatedKeySchema, "The new key, with its plaintext"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "not_found", "payload_too_large", "unsupported_media_type"),
  },
});

export function registerAdminCreateKey(app: App) {
  app.openapi(adminCreateKeyRoute, async (c) => {
    const db = c.get("services").db;
    const tenant = await findTenant(db, c.req.valid("param").id);
    if (!tenant) throw new ApiError("not_found", "No such tenant.");
    c.header("cache-control", "no-store");
    return c.json(await createKeyFor(db, tenant.id, c.req.valid("json")), 201);
  });
}
