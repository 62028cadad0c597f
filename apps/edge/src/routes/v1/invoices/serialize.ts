// Turns an invoice view (draft or finalized) into the public invoice resource with its line items.
import type { InvoiceResource } from "@thinktime/core/api/invoices";
import { invoiceSummary, type InvoiceView } from "@thinktime/db";

export function toInvoiceResource(v: InvoiceView): InvoiceResource {
  return {
    ...invoiceSummary(v),
    line_items: v.lines.map((l) => ({
      model: l.model,
      strategy: l.strategy,
      unit: l.unit,
      quantity: l.quantity,
      price_id: l.priceId,
      currency: l.currency,
      unit_price: l.unitPrice,
      amount: l.amount,
    })),
  };
}
