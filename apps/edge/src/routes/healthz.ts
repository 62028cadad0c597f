// GET /healthz: liveness without auth (it does not touch the database).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../hono.js";
import { json } from "./schemas.js";

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "healthz",
  tags: ["meta"],
  summary: "Liveness probe",
  responses: { 200: json(z.object({ ok: z.literal(true) }).openapi("Health"), "The edge is up") },
});

export function registerHealthz(app: App) {
  app.openapi(healthzRoute, (c) => c.json({ ok: true as const }, 200));
}
