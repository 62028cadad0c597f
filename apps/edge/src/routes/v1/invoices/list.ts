// GET /v1/invoices: the caller's invoices, newest month first: finalized ones, drafts of open or unclosed months.
import { createRoute } from "@hono/zod-openapi";
import { invoiceSummary, listInvoices } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems } from "../../schemas.js";
import { InvoiceListSchema } from "./schemas.js";

export const listInvoicesRoute = createRoute({
  method: "get",
  path: "/v1/invoices",
  operationId: "listInvoices",
  tags: ["billing"],
  summary: "List invoices (without line items)",
  security: BEARER,
  middleware: [requireKey("usage:read")] as const,
  responses: {
    200: json(InvoiceListSchema, "The tenant's invoices, newest month first"),
    ...problems(...AUTH_PROBLEMS),
  },
});

export function registerListInvoices(app: App) {
  app.openapi(listInvoicesRoute, async (c) => {
    const views = await listInvoices(c.get("services").db, c.get("tenant"));
    return c.json({ object: "list" as const, data: views.map(invoiceSummary) }, 200);
  });
}
