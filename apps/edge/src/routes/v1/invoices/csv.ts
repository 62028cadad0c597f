// An invoice's line items as RFC 4180 CSV: quoted where needed, and text that a spreadsheet would run as a formula defused.
import type { InvoiceResource } from "@thinktime/core/api/invoices";

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

const COLUMNS = [
  "invoice_id", "period", "status", "model", "strategy", "unit", "quantity", "price_id", "currency", "unit_price", "amount",
] as const;

/** One field: numbers as is; text prefixed with `'` if it starts like a formula, quoted if it holds `"`, `,`, CR or LF. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function invoiceCsv(inv: InvoiceResource): string {
  const rows = inv.line_items.map((l) => [
    inv.id, inv.period, inv.status, l.model, l.strategy, l.unit, l.quantity, l.price_id, l.currency, l.unit_price, l.amount,
  ]);
  return [COLUMNS, ...rows].map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}
