// The price book: effective-dated price versions per model, added and never edited, and the price a usage falls under.
import { newId } from "@thinktime/core";
import type { PriceCurrency } from "@thinktime/core/api/prices";
import { and, desc, eq } from "drizzle-orm";
import type { Database } from "./client.js";
import { prices, type Price } from "./schema.js";

/** What applies to a model without a price: 1 credit per token, as credits are counted (creditsForUsage); FLOPs free. */
export const DEFAULT_PRICE = {
  id: null,
  currency: "credits" as PriceCurrency,
  promptTokens: 1_000_000,
  generatedTokens: 1_000_000,
  verifierTokens: 1_000_000,
  pflops: null,
} as const;

export interface PriceInput {
  model: string;
  currency: PriceCurrency;
  promptTokens: number | null;
  generatedTokens: number | null;
  verifierTokens: number | null;
  pflops: number | null;
  effectiveFrom: Date;
}

export type CreatePriceOutcome =
  | { kind: "created"; row: Price }
  /** The same version (model, effective_from and every rate) exists: the upsert is a no-op. */
  | { kind: "exists"; row: Price }
  /** A different version takes effect at the same instant: prices are never edited in place. */
  | { kind: "conflict"; row: Price };

const sameRates = (a: Price, b: PriceInput) =>
  a.currency === b.currency &&
  a.promptTokens === b.promptTokens &&
  a.generatedTokens === b.generatedTokens &&
  a.verifierTokens === b.verifierTokens &&
  a.pflops === b.pflops;

/** Adds a price version; idempotent for an identical one, refused for a different one at the same instant. */
export async function createPrice(db: Database, input: PriceInput): Promise<CreatePriceOutcome> {
  const [row] = await db
    .insert(prices)
    .values({ id: newId("pri"), ...input })
    .onConflictDoNothing({ target: [prices.model, prices.effectiveFrom] })
    .returning();
  if (row) return { kind: "created", row };
  const [existing] = await db
    .select()
    .from(prices)
    .where(and(eq(prices.model, input.model), eq(prices.effectiveFrom, input.effectiveFrom)));
  if (!existing) throw new Error("createPrice: conflicting row vanished");
  return { kind: sameRates(existing, input) ? "exists" : "conflict", row: existing };
}

/** Every version, newest effective first (per model when `model` is given). */
export function listPrices(db: Database, model?: string): Promise<Price[]> {
  return db
    .select()
    .from(prices)
    .where(model ? eq(prices.model, model) : undefined)
    .orderBy(prices.model, desc(prices.effectiveFrom));
}
