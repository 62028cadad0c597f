// GET /v1/keys: the caller's tenant's keys, newest first, revoked ones included; never a plaintext.
import { createRoute } from "@hono/zod-openapi";
import { listKeys } from "@thinktime/db";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, json, KeyListSchema, problems } from "../../schemas.js";
import { toKeyResource } from "./serialize.js";

export const listKeysRoute = createRoute({
  method: "get",
  path: "/v1/keys",
  operationId: "listKeys",
  tags: ["keys"],
  summary: "List API keys",
  security: BEARER,
  middleware: [requireKey("admin")] as const,
  responses: {
    200: json(KeyListSchema, "The tenant's keys"),
    ...problems(...AUTH_PROBLEMS),
  },
});

export function registerListKeys(app: App) {
  app.openapi(listKeysRoute, async (c) => {
    const rows = await listKeys(c.get("services").db, c.get("tenant").id);
    return c.json({ object: "list" as const, data: rows.map(toKeyResource) }, 200);
  });
}
