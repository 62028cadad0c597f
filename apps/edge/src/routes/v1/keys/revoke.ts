// POST /v1/keys/{id}/revoke: the key stops working at once (idempotent); another tenant's key is a 404.
import { createRoute } from "@hono/zod-openapi";
import { revokeKey } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, KeyIdParam, KeySchema, problems } from "../../schemas.js";
import { toKeyResource } from "./serialize.js";

export const revokeKeyRoute = createRoute({
  method: "post",
  path: "/v1/keys/{id}/revoke",
  operationId: "revokeKey",
  tags: ["keys"],
  summary: "Revoke an API key",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  request: { params: KeyIdParam },
  responses: {
    200: json(KeySchema, "The revoked key"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerRevokeKey(app: App) {
  app.openapi(revokeKeyRoute, async (c) => {
    const row = await revokeKey(c.get("services").db, c.get("tenant").id, c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "No such key.");
    return c.json(toKeyResource(row), 200);
  });
}
