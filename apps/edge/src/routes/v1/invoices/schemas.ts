// OpenAPI-named invoice schemas (shapes live in @thinktime/core/api/invoices) and the invoice id path parameter.
import { z } from "@hono/zod-openapi";
import { InvoiceList, InvoiceResource, InvoiceSummary } from "@thinktime/core/api/invoices";
import { named } from "../../schemas.js";

export const InvoiceSchema = named(InvoiceResource, "Invoice");
export const InvoiceSummarySchema = named(InvoiceSummary, "InvoiceSummary");
export const InvoiceListSchema = named(InvoiceList.extend({ data: z.array(InvoiceSummarySchema) }), "InvoiceList");

export const InvoiceIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: "id", in: "path" },
      example: "inv_202611k3v7m2k8q9r4t6w8y0z2",
      description: "The invoice id; `inv_….csv` answers the CSV export",
    }),
});
