// POST /v1/keys: a new key for the caller's tenant (admin scope); the plaintext is in this response and never again.
import { createRoute } from "@hono/zod-openapi";
import type { CreateKeyRequest } from "@thinktime/core/api/keys";
import { createApiKey, type Database } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreatedKeySchema, CreateKeyBody, json, problems } from "../../schemas.js";
import { toCreatedKeyResource } from "./serialize.js";

export const createKeyRoute = createRoute({
  method: "post",
  path: "/v1/keys",
  operationId: "createKey",
  tags: ["keys"],
  summary: "Create an API key (its plaintext is shown once)",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: CreateKeyBody } } } },
  responses: {
    201: json(CreatedKeySchema, "The new key, with its plaintext"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "payload_too_large", "unsupported_media_type"),
  },
});

/** Shared with the admin API, which makes keys for any tenant. */
export async function createKeyFor(db: Database, tenantId: string, req: CreateKeyRequest) {
  const expiresAt = req.expires_in === undefined ? undefined : new Date(Date.now() + req.expires_in * 1000);
  const created = await createApiKey(db, tenantId, { name: req.name, scopes: [...new Set(req.scopes)], expiresAt });
  return toCreatedKeyResource(created);
}

export function registerCreateKey(app: App) {
  app.openapi(createKeyRoute, async (c) => {
    const key = await createKeyFor(c.get("services").db, c.get("tenant").id, c.req.valid("json"));
    c.header("location", `/v1/keys/${key.id}`);
    c.header("cache-control", "no-store");
    return c.json(key, 201);
  });
}
