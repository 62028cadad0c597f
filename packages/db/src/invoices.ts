// Monthly invoices per tenant: computed drafts while a month is open, finalized (frozen, with an event) once it ends.
import { creditPeriod } from "@thinktime/core/api/credits";
import type { InvoiceSummary } from "@thinktime/core/api/invoices";
import { PERIOD } from "@thinktime/core/api/tenants";
import { and, desc, eq, sql } from "drizzle-orm";
import { newId } from "@thinktime/core";
import type { Database } from "./client.js";
import type { Queryable } from "./credits.js";
import { addMonths, invoiceTotals, periodStart, priceUsage, sortLines, type InvoiceLine, type InvoiceTotals } from "./invoice-lines.js";
import { sha256Hex } from "./keys.js";
import { invoiceLineItems, invoices, tenants, usageEvents, type Invoice } from "./schema.js";
import { writeTenantEvent } from "./webhooks.js";

export interface InvoiceView {
  id: string;
  tenantId: string;
  period: string;
  status: "draft" | "finalized";
  totals: InvoiceTotals;
  lines: InvoiceLine[];
  finalizedAt: Date | null;
}

export interface BillingTenant {
  id: string;
  createdAt: Date;
}

/** Months back that drafts are listed and closed automatically. */
export const INVOICE_LOOKBACK_MONTHS = 12;

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * `inv_YYYYMM` + 20 characters of SHA-256 of tenant and month: one id per tenant and month whether draft or final,
 * sortable by month, and never the id of another tenant's invoice.
 */
export async function invoiceId(tenantId: string, period: string): Promise<string> {
  const hex = await sha256Hex(`invoice:${tenantId}:${period}`);
  let tail = "";
  for (let i = 0; i < 20; i++) tail += ALPHABET[Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
  return `inv_${period.replace("-", "")}${tail}`;
}

export const INVOICE_ID = /^inv_(\d{4})(\d{2})[0-9a-z]{20}$/;

/** The public summary (also the `invoice.finalized` event's data). */
export function invoiceSummary(v: InvoiceView): InvoiceSummary {
  return {
    id: v.id,
    object: "invoice",
    tenant_id: v.tenantId,
    period: v.period,
    status: v.status,
    period_start: periodStart(v.period).toISOString(),
    period_end: periodStart(v.period, 1).toISOString(),
    totals: { credits: v.totals.credits, usd_micros: v.totals.usdMicros },
    finalized_at: v.finalizedAt?.toISOString() ?? null,
  };
}

async function finalizedView(db: Queryable, row: Invoice, withLines: boolean): Promise<InvoiceView> {
  const lines = withLines ? await db.select().from(invoiceLineItems).where(eq(invoiceLineItems.invoiceId, row.id)) : [];
  return {
    id: row.id,
    tenantId: row.tenantId,
    period: row.period,
    status: "finalized",
    totals: { credits: row.totalCredits, usdMicros: row.totalUsdMicros },
    lines: sortLines(
      lines.map(({ model, strategy, unit, quantity, priceId, currency, unitPrice, amount }) => ({
        model, strategy, unit: unit as InvoiceLine["unit"], quantity, priceId, currency, unitPrice, amount,
      })),
    ),
    finalizedAt: row.finalizedAt,
  };
}

async function draftView(tenantId: string, period: string, lines: InvoiceLine[]): Promise<InvoiceView> {
  return { id: await invoiceId(tenantId, period), tenantId, period, status: "draft", totals: invoiceTotals(lines), lines, finalizedAt: null };
}

/** One of the tenant's invoices with its lines; null for another tenant's id, a future month or one before the tenant. */
export async function getInvoice(db: Database, tenant: BillingTenant, id: string, now = new Date()): Promise<InvoiceView | null> {
  const m = INVOICE_ID.exec(id);
  const period = m ? `${m[1]}-${m[2]}` : "";
  if (!PERIOD.test(period) || period > creditPeriod(now) || period < creditPeriod(tenant.createdAt)) return null;
  if (id !== (await invoiceId(tenant.id, period))) return null;
  const [row] = await db.select().from(invoices).where(and(eq(invoices.id, id), eq(invoices.tenantId, tenant.id)));
  if (row) return finalizedView(db, row, true);
  const lines = (await priceUsage(db, tenant.id, periodStart(period), periodStart(period, 1))).get(period) ?? [];
  return draftView(tenant.id, period, lines);
}

/**
 * The tenant's invoices, newest month first, without lines: every finalized one, a draft for each of the last
 * INVOICE_LOOKBACK_MONTHS months with usage not yet finalized, and always the current month's draft.
 */
export async function listInvoices(db: Database, tenant: BillingTenant, now = new Date()): Promise<InvoiceView[]> {
  const current = creditPeriod(now);
  const finalRows = await db.select().from(invoices).where(eq(invoices.tenantId, tenant.id)).orderBy(desc(invoices.period));
  const views = await Promise.all(finalRows.map((r) => finalizedView(db, r, false)));
  const closed = new Set(finalRows.map((r) => r.period));
  const oldest = [addMonths(current, -INVOICE_LOOKBACK_MONTHS), creditPeriod(tenant.createdAt)].sort()[1]!;
  const usage = await priceUsage(db, tenant.id, periodStart(oldest), periodStart(current, 1));
  if (!usage.has(current)) usage.set(current, []);
  for (const [period, lines] of usage) {
    if (!closed.has(period)) views.push({ ...(await draftView(tenant.id, period, lines)), lines: [] });
  }
  return views.sort((a, b) => (a.period < b.period ? 1 : a.period > b.period ? -1 : 0));
}

export type FinalizeOutcome =
  | { kind: "finalized"; invoice: InvoiceView }
  /** Finalized before (by another call, the cron or an operator): unchanged, no second event. */
  | { kind: "exists"; invoice: InvoiceView }
  /** The month has not ended. */
  | { kind: "open" };

/**
 * Freezes a month that has ended: prices its usage, stores the invoice and its lines, and queues `invoice.finalized`
 * in the same transaction. Concurrent calls finalize once (the unique tenant × month index decides).
 */
export async function finalizeInvoice(db: Database, tenantId: string, period: string, now = new Date()): Promise<FinalizeOutcome> {
  if (period >= creditPeriod(now)) return { kind: "open" };
  const id = await invoiceId(tenantId, period);
  return db.transaction(async (tx) => {
    const lines = (await priceUsage(tx, tenantId, periodStart(period), periodStart(period, 1))).get(period) ?? [];
    const totals = invoiceTotals(lines);
    const [row] = await tx
      .insert(invoices)
      .values({ id, tenantId, period, totalCredits: totals.credits, totalUsdMicros: totals.usdMicros })
      .onConflictDoNothing({ target: [invoices.tenantId, invoices.period] })
      .returning();
    if (!row) {
      const [existing] = await tx.select().from(invoices).where(eq(invoices.id, id));
      return { kind: "exists" as const, invoice: await finalizedView(tx, existing!, true) };
    }
    if (lines.length > 0) {
      await tx.insert(invoiceLineItems).values(lines.map((l) => ({ ...l, id: newId("ili"), invoiceId: id })));
    }
    const invoice = await finalizedView(tx, row, false);
    invoice.lines = lines;
    const body = { type: "invoice.finalized" as const, timestamp: row.finalizedAt.toISOString(), data: invoiceSummary(invoice) };
    await writeTenantEvent(tx, { tenantId, type: "invoice.finalized", key: `${id}:invoice.finalized`, body });
    return { kind: "finalized" as const, invoice };
  });
}

/**
 * What the dispatcher and the cron call: finalizes every tenant's months with usage that ended more than `graceMs`
 * ago (so events committed at the turn of the month are in), within the last `lookbackMonths`. Returns how many.
 */
export async function finalizeDueInvoices(
  db: Database,
  { now = new Date(), graceMs = 3600_000, lookbackMonths = INVOICE_LOOKBACK_MONTHS } = {},
): Promise<number> {
  const open = creditPeriod(new Date(now.getTime() - graceMs));
  let finalized = 0;
  for (let back = lookbackMonths; back >= 1; back--) {
    const period = addMonths(open, -back);
    const due = (await db.execute(sql`
      SELECT t.id FROM ${tenants} t
      WHERE NOT EXISTS (SELECT 1 FROM ${invoices} i WHERE i.tenant_id = t.id AND i.period = ${period})
        AND EXISTS (
          SELECT 1 FROM ${usageEvents} e WHERE e.tenant_id = t.id
            AND e.created_at >= ${periodStart(period).toISOString()}::timestamptz
            AND e.created_at < ${periodStart(period, 1).toISOString()}::timestamptz
        )`)) as unknown as { rows: Array<{ id: string }> };
    for (const { id } of due.rows) {
      if ((await finalizeInvoice(db, id, period, now)).kind === "finalized") finalized++;
    }
  }
  return finalized;
}
