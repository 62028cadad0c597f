// GET /docs: the interactive API docs, one self-contained page that renders /openapi.json (no auth, no database).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../../hono.js";
import { DOCS_HTML } from "./page.js";

/** The page may run only its own inline script and style, and talk only to this origin (the spec and "try it"). */
export const DOCS_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const docsRoute = createRoute({
  method: "get",
  path: "/docs",
  operationId: "docs",
  tags: ["meta"],
  summary: "Interactive API docs (HTML)",
  responses: { 200: { description: "The docs page", content: { "text/html": { schema: z.string() } } } },
});

export function registerDocs(app: App) {
  app.openapi(docsRoute, (c) => {
    c.header("content-security-policy", DOCS_CSP);
    c.header("cache-control", "public, max-age=300");
    return c.html(DOCS_HTML, 200);
  });
}
