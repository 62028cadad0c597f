// The verifier's HTTP app: one factory that builds services once, wires middleware and one route per endpoint.
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { newId } from "@thinktime/core";
import { requireServiceToken } from "./auth.js";
import type { AppEnv, Services } from "./context.js";
import { ApiError, problem } from "./errors.js";
import { Metrics } from "./metrics.js";
import { getHealthz } from "./routes/healthz.js";
import { getMetrics } from "./routes/metrics.js";
import { getReadyz } from "./routes/readyz.js";
import { postScore } from "./routes/score.js";
import { postScoreSteps } from "./routes/score-steps.js";
import { LIMITS } from "./schema.js";
import type { VerifierRegistry } from "./verifiers/registry.js";

export interface NewAppOptions {
  /** The served models; /readyz answers 503 (and scoring `not_ready`) until every one has loaded. */
  verifiers: VerifierRegistry;
  /** Shared service token expected as `Authorization: Bearer <token>` on /v1/*. */
  token: string;
  /** Shared with the models so batch sizes and cache hits land in the same /metrics. */
  metrics?: Metrics;
  /** Largest accepted request body in bytes (default LIMITS.maxBodyBytes). */
  maxBodyBytes?: number;
  /** A scoring request still unanswered after this long gets 503 `timeout` (default 30 s). */
  requestTimeoutMs?: number;
  /** Where unexpected (5xx) errors are reported; default console.error. */
  logError?: (message: string, err: unknown) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ROUTES = new Set(["/v1/score", "/v1/score-steps"]);

export function newApp(options: NewAppOptions): Hono<AppEnv> {
  if (options.token.trim().length === 0) throw new Error("newApp: token must not be empty");
  const metrics = options.metrics ?? new Metrics();
  const services: Services = { token: options.token, verifiers: options.verifiers, metrics };
  const logError = options.logError ?? ((msg, err) => console.error(msg, err));
  const maxBodyBytes = options.maxBodyBytes ?? LIMITS.maxBodyBytes;

  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : newId("req");
    c.set("requestId", requestId);
    c.set("services", services);
    await next();
    c.header("x-request-id", requestId);
  });

  app.use("/v1/*", measure(metrics));
  app.use("/v1/*", requireServiceToken);
  app.use("/v1/*", bodyLimit({ maxSize: maxBodyBytes, onError: (c) => problem(c, "payload_too_large", `request body exceeds ${maxBodyBytes} bytes`) }));
  app.use("/v1/*", deadline(options.requestTimeoutMs ?? 30_000));

  app.get("/healthz", getHealthz);
  app.get("/readyz", getReadyz);
  app.get("/metrics", getMetrics);
  app.post("/v1/score", postScore);
  app.post("/v1/score-steps", postScoreSteps);

  app.notFound((c) => problem(c, "not_found", `no route for ${c.req.method} ${c.req.path}`));
  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err.code, err.message, err.extensions);
    if (err instanceof HTTPException && err.status === 413) return problem(c, "payload_too_large", err.message || "request body too large");
    if (err instanceof HTTPException && err.status < 500) return problem(c, "invalid_request", err.message || "bad request");
    logError(`verifier: unexpected error on ${c.req.method} ${c.req.path} (${c.get("requestId")})`, err);
    return problem(c, "internal", "unexpected error; see the server log for this request id");
  });
  return app;
}

/** Counts every /v1 request by route, model and status, and observes its latency. */
function measure(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    metrics.inFlight.inc({}, 1);
    try {
      await next();
    } finally {
      metrics.inFlight.inc({}, -1);
      const route = ROUTES.has(c.req.path) ? c.req.path : "other"; // bounded label values
      metrics.requests.inc({ route, model: c.get("model") ?? "", status: String(c.res.status) });
      metrics.latency.observe({ route }, (performance.now() - started) / 1000);
    }
  };
}

/** Answers 503 `timeout` when the handler has not finished in time (its batch still completes, unobserved). */
function deadline(ms: number): MiddlewareHandler<AppEnv> {
  return async (_c, next) => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ApiError("timeout", `the request did not complete within ${ms} ms; retry`)), ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
