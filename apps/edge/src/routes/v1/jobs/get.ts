// GET /v1/jobs/{id}: one of the tenant's jobs with its candidates and usage (long-polls with Prefer: wait=N); others' ids 404.
import { createRoute } from "@hono/zod-openapi";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { preferredWait } from "../../../lib/prefer.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, JobIdParam, JobSchema, json, problems } from "../../schemas.js";
import { findJob } from "./queries.js";
import { loadJobResource } from "./resource.js";
import { PreferHeaders, waitForJob } from "./wait.js";

export const getJobRoute = createRoute({
  method: "get",
  path: "/v1/jobs/{id}",
  operationId: "getJob",
  tags: ["jobs"],
  summary: "Get a job, its candidates and usage",
  security: BEARER,
  middleware: [requireKey("jobs:read")] as const,
  request: { params: JobIdParam, headers: PreferHeaders },
  responses: {
    200: json(JobSchema, "The job (with `Prefer: wait=N`: finished, or as it stands when the wait ran out)"),
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

export function registerGetJob(app: App) {
  app.openapi(getJobRoute, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.get("services").db;
    const found = await findJob(db, c.get("tenant").id, id);
    if (!found) throw new ApiError("not_found", "No such job.");
    const wait = preferredWait(c.req.valid("header").prefer);
    if (wait === null) return c.json(await loadJobResource(db, found), 200);
    // Polling a job is what clients do anyway; this holds one request instead of many. Always 200: the status says.
    const job = (await waitForJob(db, found, wait)) ?? found;
    c.header("preference-applied", `wait=${wait}`);
    c.header("vary", "Prefer");
    return c.json(await loadJobResource(db, job), 200);
  });
}
