// GET /v1/invoices/{id}: one invoice with its line items, as JSON or (`inv_….csv`, `?format=csv`) as a CSV export.
import { createRoute, z } from "@hono/zod-openapi";
import { getInvoice } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, problems } from "../../schemas.js";
import { CSV_CONTENT_TYPE, invoiceCsv } from "./csv.js";
import { InvoiceIdParam, InvoiceSchema } from "./schemas.js";
import { toInvoiceResource } from "./serialize.js";

const FormatQuery = z.object({
  format: z
    .enum(["json", "csv"])
    .optional()
    .openapi({ param: { name: "format", in: "query" }, description: "csv: the line items as CSV (same as `inv_….csv`)" }),
});

export const getInvoiceRoute = createRoute({
  method: "get",
  path: "/v1/invoices/{id}",
  operationId: "getInvoice",
  tags: ["billing"],
  summary: "Get an invoice with its line items (JSON or CSV)",
  security: BEARER,
  middleware: [requireKey("usage:read")] as const,
  request: { params: InvoiceIdParam, query: FormatQuery },
  responses: {
    200: {
      description: "The invoice; a draft is recomputed from usage on each read, a finalized one is frozen",
      content: { "application/json": { schema: InvoiceSchema }, "text/csv": { schema: z.string() } },
    },
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerGetInvoice(app: App) {
  app.openapi(getInvoiceRoute, async (c) => {
    const raw = c.req.valid("param").id;
    const csv = raw.endsWith(".csv") || c.req.valid("query").format === "csv";
    const view = await getInvoice(c.get("services").db, c.get("tenant"), raw.replace(/\.csv$/, ""));
    if (!view) throw new ApiError("not_found", "No such invoice.");
    const invoice = toInvoiceResource(view);
    if (!csv) return c.json(invoice, 200);
    return c.body(invoiceCsv(invoice), 200, {
      "content-type": CSV_CONTENT_TYPE,
      "content-disposition": `attachment; filename="${invoice.id}.csv"`,
    });
  });
}
