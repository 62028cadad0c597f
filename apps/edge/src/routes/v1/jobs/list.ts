// GET /v1/jobs: the tenant's jobs newest first, cursor-paginated (the cursor is opaque to clients).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { DEFAULT_PAGE_SIZE, AUTH_PROBLEMS, BEARER, JobListSchema, json, problems, pageQuery } from "../../schemas.js";
import { listJobs, usageByJob } from "./queries.js";
import { toJobSummary } from "./serialize.js";

const ListQuery = pageQuery("job");

export const listJobsRoute = createRoute({
  method: "get",
  path: "/v1/jobs",
  operationId: "listJobs",
  tags: ["jobs"],
  summary: "List jobs, newest first",
  security: BEARER,
  middleware: [requireKey("jobs:read")] as const,
  request: { query: ListQuery },
  responses: {
    200: json(JobListSchema, "A page of jobs (without candidates)"),
    ...problems("validation_failed", ...AUTH_PROBLEMS),
  },
});

export function registerListJobs(app: App) {
  app.openapi(listJobsRoute, async (c) => {
    const { limit = DEFAULT_PAGE_SIZE, cursor } = c.req.valid("query");
    const db = c.get("services").db;
    const tenantId = c.get("key").tenantId;
    const page = await listJobs(db, tenantId, { limit, before: cursor });
    const usage = await usageByJob(db, tenantId, page.rows.map((j) => j.id));
    const last = page.rows.at(-1);
    return c.json(
      {
        object: "list" as const,
        data: page.rows.map((j) => toJobSummary(j, usage.get(j.id) ?? null)),
        next_cursor: page.more && last ? last.id : null,
      },
      200,
    );
  });
}
