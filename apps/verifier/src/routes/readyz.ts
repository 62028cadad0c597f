// GET /readyz: readiness; 200 only once every model is loaded (and not shutting down), else 503 with each model's state.
import type { Handler } from "hono";
import type { AppEnv } from "../context.js";
import { ApiError } from "../errors.js";

export const getReadyz: Handler<AppEnv> = (c) => {
  const { ready, models } = c.var.services.verifiers.status();
  if (ready) return c.json({ status: "ready", models });
  const failed = models.filter((m) => m.status === "failed");
  const detail =
    failed.length > 0
      ? `a model failed to load: ${failed.map((m) => `${m.name}: ${m.error}`).join("; ")}`
      : models.some((m) => m.status === "loading")
        ? `still loading: ${models.filter((m) => m.status === "loading").map((m) => m.name).join(", ")}`
        : "shutting down";
  throw new ApiError("not_ready", detail, { models });
};
