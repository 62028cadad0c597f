// GET /metrics: Prometheus scrape endpoint (unauthenticated like the probes; it holds no request content).
import type { Handler } from "hono";
import type { AppEnv } from "../context.js";

export const getMetrics: Handler<AppEnv> = (c) =>
  c.body(c.var.services.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
