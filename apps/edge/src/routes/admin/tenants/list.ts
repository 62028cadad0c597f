// GET /admin/tenants: every tenant, oldest first, cursor-paginated; operator admin keys only.
import { createRoute, z } from "@hono/zod-openapi";
import { listTenants } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, TenantListSchema } from "../../schemas.js";
import { toTenantResource } from "./serialize.js";

const ListQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: 100, default: 50 }),
  cursor: z
    .string()
    .regex(/^ten_[0-9a-z]{26}$/, "invalid cursor")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

export const listTenantsRoute = createRoute({
  method: "get",
  path: "/admin/tenants",
  operationId: "adminListTenants",
  tags: ["admin"],
  summary: "List tenants",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { query: ListQuery },
  responses: {
    200: json(TenantListSchema, "A page of tenants"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerAdminListTenants(app: App) {
  app.openapi(listTenantsRoute, async (c) => {
    const { limit = 50, cursor } = c.req.valid("query");
    const page = await listTenants(c.get("services").db, { limit, after: cursor });
    const last = page.rows.at(-1);
    return c.json(
      { object: "list" as const, data: page.rows.map(toTenantResource), next_cursor: page.more && last ? last.id : null },
      200,
    );
  });
}
