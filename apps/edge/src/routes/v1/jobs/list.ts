// GET /v1/jobs: the tenant's jobs newest first, cursor-paginated (the cursor is opaque to clients).
import { createRoute, z } from "@hono/zod-openapi";
import { LIMITS } from "@thinktime/core";
import type { App } from "../../../hono.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, JobListSchema, json, problems } from "../../schemas.js";
import { listJobs, usageByJob } from "./queries.js";
import { toJobSummary } from "./serialize.js";

export const DEFAULT_PAGE_SIZE = 20;

const ListQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(1).max(LIMITS.pageSize))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: LIMITS.pageSize, default: DEFAULT_PAGE_SIZE }),
  cursor: z
    .string()
    .regex(/^job_[0-9a-z]{26}$/, "invalid cursor")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "next_cursor of the previous page" }),
});

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
