// POST /v1/keys/{id}/rotate: a new key with the same name, scopes and expiry; the old one ends now or after a grace period.
import { createRoute } from "@hono/zod-openapi";
import { rotateKey } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreatedKeySchema, json, KeyIdParam, problems, RotateKeyBody } from "../../schemas.js";
import { toCreatedKeyResource } from "./serialize.js";

export const rotateKeyRoute = createRoute({
  method: "post",
  path: "/v1/keys/{id}/rotate",
  operationId: "rotateKey",
  tags: ["keys"],
  summary: "Rotate an API key (the new plaintext is shown once)",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: {
    params: KeyIdParam,
    body: { required: false, content: { "application/json": { schema: RotateKeyBody } } },
  },
  responses: {
    201: json(CreatedKeySchema, "The replacement key, with its plaintext"),
    ...problems("invalid_json", "validation_failed", ...AUTH_PROBLEMS, "not_found", "conflict", "unsupported_media_type"),
  },
});

export function registerRotateKey(app: App) {
  app.openapi(rotateKeyRoute, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json") as { grace_seconds?: number } | undefined;
    const out = await rotateKey(c.get("services").db, c.get("tenant").id, id, body?.grace_seconds ?? 0);
    if (out.kind === "not_found") throw new ApiError("not_found", "No such key.");
    if (out.kind === "revoked") throw new ApiError("conflict", "The key is revoked or expired; create a new one instead.");
    const key = toCreatedKeyResource(out.created);
    c.header("location", `/v1/keys/${key.id}`);
    c.header("cache-control", "no-store");
    return c.json(key, 201);
  });
}
