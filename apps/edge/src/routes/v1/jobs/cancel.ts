// POST /v1/jobs/{id}/cancel: cancels a queued job now (200), asks the generator to stop a running one (202); 409 once finished.
import { createRoute } from "@hono/zod-openapi";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, JobIdParam, JobSchema, json, problems } from "../../schemas.js";
import { cancelJob } from "./queries.js";
import { loadJobResource } from "./resource.js";

export const cancelJobRoute = createRoute({
  method: "post",
  path: "/v1/jobs/{id}/cancel",
  operationId: "cancelJob",
  tags: ["jobs"],
  summary: "Cancel a job",
  security: BEARER,
  middleware: [requireKey("jobs:write")] as const,
  request: { params: JobIdParam },
  responses: {
    200: json(JobSchema, "The job was queued and is now canceled"),
    202: json(JobSchema, "The job is running; the generator will finish it as canceled"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found", "conflict"),
  },
});

export function registerCancelJob(app: App) {
  app.openapi(cancelJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("services").db;
    const outcome = await cancelJob(db, c.get("key").tenantId, id);
    switch (outcome.kind) {
      case "not_found":
        throw new ApiError("not_found", "No such job.");
      case "finished":
        throw new ApiError("conflict", `The job already finished (${outcome.job.status}).`);
      case "canceled":
        return c.json(await loadJobResource(db, outcome.job), 200);
      case "cancel_requested":
        return c.json(await loadJobResource(db, outcome.job), 202);
    }
  });
}
