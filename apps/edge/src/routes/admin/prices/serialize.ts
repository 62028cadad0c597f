// Turns a price version row into the public price resource.
import type { PriceResource } from "@thinktime/core/api/prices";
import type { Price } from "@thinktime/db";

export function toPriceResource(p: Price): PriceResource {
  return {
    id: p.id,
    object: "price",
    model: p.model,
    currency: p.currency,
    prompt_tokens: p.promptTokens,
    generated_tokens: p.generatedTokens,
    verifier_tokens: p.verifierTokens,
    pflops: p.pflops,
    effective_from: p.effectiveFrom.toISOString(),
    created_at: p.createdAt.toISOString(),
  };
}
