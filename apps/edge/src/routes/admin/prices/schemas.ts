// OpenAPI-named price book schemas (shapes live in @thinktime/core/api/prices) and the list's model filter.
import { z } from "@hono/zod-openapi";
import { CreatePriceRequest, PriceList, PriceResource } from "@thinktime/core/api/prices";
import { named } from "../../schemas.js";

export const CreatePriceBody = named(CreatePriceRequest, "CreatePriceRequest");
export const PriceSchema = named(PriceResource, "Price");
export const PriceListSchema = named(PriceList.extend({ data: z.array(PriceSchema) }), "PriceList");

export const PriceListQuery = z.object({
  model: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({ param: { name: "model", in: "query" }, description: "Only this model's versions" }),
});
