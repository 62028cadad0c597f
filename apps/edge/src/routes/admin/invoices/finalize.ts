// POST /admin/tenants/{id}/invoices/{period}/finalize: freezes a tenant's ended month now; operator admin keys only.
import { createRoute, z } from "@hono/zod-openapi";
import { PERIOD } from "@thinktime/core/api/tenants";
import { finalizeInvoice, findTenant } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems, TenantIdParam } from "../../schemas.js";
import { InvoiceSchema } from "../../v1/invoices/schemas.js";
import { toInvoiceResource } from "../../v1/invoices/serialize.js";

const FinalizeParams = TenantIdParam.extend({
  period: z
    .string()
    .regex(PERIOD, "period must be YYYY-MM")
    .openapi({ param: { name: "period", in: "path" }, example: "2026-10" }),
});

export const adminFinalizeInvoiceRoute = createRoute({
  method: "post",
  path: "/admin/tenants/{id}/invoices/{period}/finalize",
  operationId: "adminFinalizeInvoice",
  tags: ["admin"],
  summary: "Finalize a tenant's invoice for an ended month (idempotent)",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { params: FinalizeParams },
  responses: {
    200: json(InvoiceSchema, "The finalized invoice (finalized now or before)"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found", "conflict"),
  },
});

export function registerAdminFinalizeInvoice(app: App) {
  app.openapi(adminFinalizeInvoiceRoute, async (c) => {
    const { id, period } = c.req.valid("param");
    const db = c.get("services").db;
    if (!(await findTenant(db, id))) throw new ApiError("not_found", "No such tenant.");
    const out = await finalizeInvoice(db, id, period);
    if (out.kind === "open") throw new ApiError("conflict", `${period} has not ended; its invoice is a draft until it does.`);
    return c.json(toInvoiceResource(out.invoice), 200);
  });
}
