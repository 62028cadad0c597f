// Prices a tenant's usage events: sums per month × model × strategy × price version in effect, then integer amounts.
import { BILLING_UNITS, lineAmount, type BillingUnit, type PriceCurrency } from "@thinktime/core/api/prices";
import { inArray, sql } from "drizzle-orm";
import type { Queryable } from "./credits.js";
import { DEFAULT_PRICE } from "./prices.js";
import { prices, usageEvents, type Price } from "./schema.js";

export interface InvoiceLine {
  model: string;
  strategy: string;
  unit: BillingUnit;
  quantity: number;
  priceId: string | null;
  currency: PriceCurrency;
  unitPrice: number;
  amount: number;
}

export interface InvoiceTotals {
  credits: number;
  usdMicros: number;
}

/** First instant of a `YYYY-MM` month (UTC), or of the month `offset` months later. */
export function periodStart(period: string, offset = 0): Date {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + offset, 1));
}

export const addMonths = (period: string, n: number) => periodStart(period, n).toISOString().slice(0, 7);

const RATE: Record<BillingUnit, "promptTokens" | "generatedTokens" | "verifierTokens" | "pflops"> = {
  prompt_tokens: "promptTokens",
  generated_tokens: "generatedTokens",
  verifier_tokens: "verifierTokens",
  gflops: "pflops",
};

interface UsageRow {
  period: string;
  model: string;
  strategy: string;
  price_id: string | null;
  prompt_tokens: string;
  generated_tokens: string;
  verifier_tokens: string;
  gflops: string;
}

const safe = (text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`usage total ${text} exceeds the integer range`);
  return n;
};

/** Lines in a stable order: model, strategy, unit (as BILLING_UNITS lists them), price version. */
export function sortLines(lines: InvoiceLine[]): InvoiceLine[] {
  const key = (l: InvoiceLine) => [l.model, l.strategy, String(BILLING_UNITS.indexOf(l.unit)), l.priceId ?? ""];
  return lines.sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

/**
 * The tenant's usage events created in [from, to), priced: each event falls under its model's price version with the
 * latest `effective_from` at or before the event (DEFAULT_PRICE if none). FLOPs are summed exactly (as numeric) and
 * billed in GFLOPs rounded up; a unit the price leaves null is free and gets no line. Returns lines per `YYYY-MM`.
 */
export async function priceUsage(db: Queryable, tenantId: string, from: Date, to: Date): Promise<Map<string, InvoiceLine[]>> {
  const result = (await db.execute(sql`
    SELECT to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS period, e.model, e.strategy, p.id AS price_id,
      sum(e.prompt_tokens)::text AS prompt_tokens, sum(e.generated_tokens)::text AS generated_tokens,
      sum(e.verifier_tokens)::text AS verifier_tokens, ceil(sum(e.flops::numeric) / 1000000000)::text AS gflops
    FROM ${usageEvents} e
    LEFT JOIN LATERAL (
      SELECT pr.id FROM ${prices} pr
      WHERE pr.model = e.model AND pr.effective_from <= e.created_at
      ORDER BY pr.effective_from DESC LIMIT 1
    ) p ON true
    WHERE e.tenant_id = ${tenantId}
      AND e.created_at >= ${from.toISOString()}::timestamptz AND e.created_at < ${to.toISOString()}::timestamptz
    GROUP BY 1, 2, 3, 4`)) as unknown as { rows: UsageRow[] };
  const ids = [...new Set(result.rows.map((r) => r.price_id).filter((id): id is string => id !== null))];
  const book = new Map<string, Price>();
  if (ids.length > 0) for (const p of await db.select().from(prices).where(inArray(prices.id, ids))) book.set(p.id, p);

  const byPeriod = new Map<string, InvoiceLine[]>();
  for (const row of result.rows) {
    const price = row.price_id ? book.get(row.price_id) : DEFAULT_PRICE;
    if (!price) throw new Error(`price ${row.price_id} vanished`);
    const lines = byPeriod.get(row.period) ?? [];
    for (const unit of BILLING_UNITS) {
      const unitPrice = price[RATE[unit]];
      const quantity = safe(row[unit] ?? "0");
      if (unitPrice === null || quantity <= 0) continue;
      const amount = lineAmount(quantity, unitPrice);
      lines.push({ model: row.model, strategy: row.strategy, unit, quantity, priceId: price.id, currency: price.currency, unitPrice, amount });
    }
    byPeriod.set(row.period, lines);
  }
  for (const lines of byPeriod.values()) sortLines(lines);
  return byPeriod;
}

/** Sums per currency, exactly; throws past Number.MAX_SAFE_INTEGER. */
export function invoiceTotals(lines: InvoiceLine[]): InvoiceTotals {
  let credits = 0n;
  let usd = 0n;
  for (const l of lines) {
    if (l.currency === "credits") credits += BigInt(l.amount);
    else usd += BigInt(l.amount);
  }
  if (credits > BigInt(Number.MAX_SAFE_INTEGER) || usd > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("invoice total exceeds the integer range");
  return { credits: Number(credits), usdMicros: Number(usd) };
}
