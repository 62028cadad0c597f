// POST /admin/prices: adds an effective-dated price version for a model (never edits one); operator admin keys only.
import { createRoute } from "@hono/zod-openapi";
import { creditPeriod } from "@thinktime/core/api/credits";
import { createPrice, periodStart } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems } from "../../schemas.js";
import { CreatePriceBody, PriceSchema } from "./schemas.js";
import { toPriceResource } from "./serialize.js";

export const adminCreatePriceRoute = createRoute({
  method: "post",
  path: "/admin/prices",
  operationId: "adminCreatePrice",
  tags: ["admin"],
  summary: "Add a price version (an identical one again is a no-op)",
  security: BEARER,
  middleware: [requireKey("admin", { operator: true })] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreatePriceBody } } } },
  responses: {
    201: json(PriceSchema, "The new version"),
    200: json(PriceSchema, "The identical version that already existed"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "conflict", "payload_too_large", "unsupported_media_type"),
  },
});

export function registerAdminCreatePrice(app: App) {
  app.openapi(adminCreatePriceRoute, async (c) => {
    const req = c.req.valid("json");
    const effectiveFrom = req.effective_from ? new Date(req.effective_from) : new Date();
    // Months that have ended are billed as they were priced: their invoices must stay reproducible.
    if (effectiveFrom < periodStart(creditPeriod())) {
      throw new ApiError("conflict", "A price version cannot take effect before the current month.");
    }
    const out = await createPrice(c.get("services").db, {
      model: req.model,
      currency: req.currency,
      promptTokens: req.prompt_tokens ?? null,
      generatedTokens: req.generated_tokens ?? null,
      verifierTokens: req.verifier_tokens ?? null,
      pflops: req.pflops ?? null,
      effectiveFrom,
    });
    if (out.kind === "conflict") {
      throw new ApiError("conflict", `A different ${req.model} price takes effect at that instant (${out.row.id}); prices are never edited.`);
    }
    if (out.kind === "exists") return c.json(toPriceResource(out.row), 200);
    c.header("location", `/admin/prices/${out.row.id}`);
    return c.json(toPriceResource(out.row), 201);
  });
}
