// The price book contract (/admin/prices): effective-dated price versions per model, in integer units of a currency.
import { z } from "zod";

/** `credits`, or `usd` counted in micro-dollars (1 USD = 1,000,000); money is never a float. */
export const PRICE_CURRENCIES = ["credits", "usd"] as const;
export type PriceCurrency = (typeof PRICE_CURRENCIES)[number];

/** What an invoice line counts. Each is priced per 1M of it: 1M tokens, or 1M GFLOPs (one PFLOP). */
export const BILLING_UNITS = ["prompt_tokens", "generated_tokens", "verifier_tokens", "gflops"] as const;
export type BillingUnit = (typeof BILLING_UNITS)[number];
export const UNITS_PER_PRICE = 1_000_000;

/** A million dollars per million tokens, in micro-dollars: far above any sane price, far below 2^53. */
export const MAX_UNIT_PRICE = 1_000_000_000_000;

const rate = (what: string) => z.number().int().min(0).max(MAX_UNIT_PRICE).nullable().optional().describe(what);
const iso = z.string().describe("ISO 8601 timestamp");

export const CreatePriceRequest = z
  .object({
    model: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}]+$/u, "model must not contain control characters"),
    currency: z.enum(PRICE_CURRENCIES),
    prompt_tokens: rate("Per 1M prompt tokens; null or absent: free"),
    generated_tokens: rate("Per 1M generated tokens"),
    verifier_tokens: rate("Per 1M verifier tokens"),
    pflops: rate("Per PFLOP (1M GFLOPs)"),
    effective_from: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("When this version takes over (default now); not before the current month"),
  })
  .strict()
  .refine((r) => [r.prompt_tokens, r.generated_tokens, r.verifier_tokens, r.pflops].some((v) => v != null), {
    path: ["prompt_tokens"],
    message: "give at least one of prompt_tokens, generated_tokens, verifier_tokens, pflops",
  });
export type CreatePriceRequest = z.infer<typeof CreatePriceRequest>;

export const PriceResource = z.object({
  id: z.string(),
  object: z.literal("price"),
  model: z.string(),
  currency: z.enum(PRICE_CURRENCIES),
  prompt_tokens: z.number().int().nullable(),
  generated_tokens: z.number().int().nullable(),
  verifier_tokens: z.number().int().nullable(),
  pflops: z.number().int().nullable(),
  effective_from: iso,
  created_at: iso,
});
export type PriceResource = z.infer<typeof PriceResource>;

export const PriceList = z.object({ object: z.literal("list"), data: z.array(PriceResource) });
export type PriceList = z.infer<typeof PriceList>;

/** amount = ceil(quantity × unitPrice / 1M), in exact integer arithmetic; throws past Number.MAX_SAFE_INTEGER. */
export function lineAmount(quantity: number, unitPrice: number): number {
  const q = BigInt(quantity);
  const p = BigInt(unitPrice);
  const per = BigInt(UNITS_PER_PRICE);
  const amount = (q * p + per - 1n) / per;
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`line amount ${amount} exceeds the integer range`);
  return Number(amount);
}
