// The invoices contract (/v1/invoices): a tenant's month of usage priced by the price book, draft until finalized.
import { z } from "zod";
import { BILLING_UNITS, PRICE_CURRENCIES } from "./prices.js";

const iso = z.string().describe("ISO 8601 timestamp");

export const INVOICE_STATUSES = ["draft", "finalized"] as const;

export const InvoiceLineItemResource = z.object({
  model: z.string(),
  strategy: z.string(),
  unit: z.enum(BILLING_UNITS),
  quantity: z.number().int().describe("Tokens, or GFLOPs (rounded up)"),
  price_id: z.string().nullable().describe("The price version applied; null: the default (1 credit per token, FLOPs free)"),
  currency: z.enum(PRICE_CURRENCIES),
  unit_price: z.number().int().describe("Per 1M units, in credits or USD micro-units"),
  amount: z.number().int().describe("ceil(quantity × unit_price / 1,000,000)"),
});
export type InvoiceLineItemResource = z.infer<typeof InvoiceLineItemResource>;

export const InvoiceTotals = z.object({
  credits: z.number().int(),
  usd_micros: z.number().int().describe("USD in millionths"),
});
export type InvoiceTotals = z.infer<typeof InvoiceTotals>;

export const InvoiceSummary = z.object({
  id: z.string(),
  object: z.literal("invoice"),
  tenant_id: z.string(),
  period: z.string().describe("YYYY-MM (UTC)"),
  status: z.enum(INVOICE_STATUSES).describe("draft while the month is open or not yet closed; finalized: frozen"),
  period_start: iso,
  period_end: iso,
  totals: InvoiceTotals,
  finalized_at: iso.nullable(),
});
export type InvoiceSummary = z.infer<typeof InvoiceSummary>;

export const InvoiceResource = InvoiceSummary.extend({ line_items: z.array(InvoiceLineItemResource) });
export type InvoiceResource = z.infer<typeof InvoiceResource>;

export const InvoiceList = z.object({ object: z.literal("list"), data: z.array(InvoiceSummary) });
export type InvoiceList = z.infer<typeof InvoiceList>;

/** Sent to the tenant's endpoints when an invoice is finalized, in the finalizing transaction. */
export const InvoiceFinalizedEvent = z.object({
  id: z.string(),
  type: z.literal("invoice.finalized"),
  timestamp: iso,
  data: InvoiceSummary,
});
export type InvoiceFinalizedEvent = z.infer<typeof InvoiceFinalizedEvent>;
