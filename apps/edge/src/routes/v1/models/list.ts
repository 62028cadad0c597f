// GET /v1/models: the OpenAI-compatible model list, one model per strategy (and sample size) POST /v1/chat/completions takes.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, problems } from "../../schemas.js";
import { listedModels, MODELS_CREATED } from "./catalog.js";

export const ModelSchema = z
  .object({
    id: z.string().openapi({ example: "thinktime-best-of-16" }),
    object: z.literal("model"),
    created: z.number().int(),
    owned_by: z.literal("thinktime"),
  })
  .openapi("Model");

export const ModelListSchema = z.object({ object: z.literal("list"), data: z.array(ModelSchema) }).openapi("ModelList");

export const listModelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "listModels",
  tags: ["openai"],
  summary: "List the models chat completions accept (OpenAI-compatible)",
  security: BEARER,
  middleware: [requireKey("jobs:read")] as const,
  responses: {
    200: json(ModelListSchema, "Every strategy as a model, and a few sample sizes of those that take one"),
    ...problems(...AUTH_PROBLEMS),
  },
});

export function registerListModels(app: App) {
  app.openapi(listModelsRoute, (c) => {
    const data = listedModels().map((id) => ({ id, object: "model" as const, created: MODELS_CREATED, owned_by: "thinktime" as const }));
    return c.json({ object: "list" as const, data }, 200);
  });
}
