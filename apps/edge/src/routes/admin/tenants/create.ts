// POST /admin/tenants: a new (non-operator) tenant with optional quotas; operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { createTenant } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreateTenantBody, json, problems, TenantSchema } from "../../schemas.js";
import { toTenantResource } from "./serialize.js";

export const createTenantRoute = createRoute({
  method: "post",
  path: "/admin/tenants",
  operationId: "adminCreateTenant",
  tags: ["admin"],
  summary: "Create a tenant",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateTenantBody } } } },
  responses: {
    201: json(TenantSchema, "The new tenant"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "payload_too_large", "unsupported_media_type"),
  },
});

export function registerAdminCreateTenant(app: App) {
  app.openapi(createTenantRoute, async (c) => {
    const req = c.req.valid("json");
    const tenant = await createTenant(c.get("services").db, req.name, {
      requestsPerMinute: req.requests_per_minute ?? null,
      monthlyCredits: req.monthly_credits ?? null,
    });
    c.header("location", `/admin/tenants/${tenant.id}`);
    return c.json(toTenantResource(tenant), 201);
  });
}
