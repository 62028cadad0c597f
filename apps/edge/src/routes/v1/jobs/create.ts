// POST /v1/jobs: validate, reserve the job's credit budget, enqueue (201); Idempotency-Key replays; Prefer: wait=N.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../hono.js";
import { preferredWait } from "../../../lib/prefer.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreateJobBody, JobSchema, json, problems } from "../../schemas.js";
import { IdempotencyHeaders } from "./idempotency.js";
import { loadJobResource } from "./resource.js";
import { toJobResource } from "./serialize.js";
import { submitOne } from "./submit.js";
import { isFinished, PreferHeaders, waitForJob } from "./wait.js";

export const createJobRoute = createRoute({
  method: "post",
  path: "/v1/jobs",
  operationId: "createJob",
  tags: ["jobs"],
  summary: "Submit a question as a job",
  security: BEARER,
  middleware: [requireKey("jobs:write")] as const,
  request: {
    headers: IdempotencyHeaders.extend(PreferHeaders.shape),
    body: { required: true, content: { "application/json": { schema: CreateJobBody } } },
  },
  responses: {
    200: json(JobSchema, "With `Prefer: wait=N`: the job finished within the wait"),
    201: json(JobSchema, "The queued job (or, for a replayed Idempotency-Key, the job the first request made)"),
    202: json(JobSchema, "With `Prefer: wait=N`: the job had not finished when the wait ran out"),
    ...problems(
      "invalid_json", "validation_failed", ...AUTH_PROBLEMS, "credits_exhausted", "idempotency_mismatch", "budget_too_small",
      "payload_too_large", "unsupported_media_type", "planner_unavailable",
    ),
  },
});

export function registerCreateJob(app: App) {
  app.openapi(createJobRoute, async (c) => {
    const req = c.req.valid("json");
    const headers = c.req.valid("header");
    const db = c.get("services").db;
    const tenantId = c.get("tenant").id;
    // Params, auto's plan, the budget check, credits and the insert: shared with the batch and chat completions.
    const out = await submitOne(c.get("services"), tenantId, req, { idempotencyKey: headers["idempotency-key"] });
    if (out.kind === "replayed") c.header("idempotent-replayed", "true");
    c.header("location", `/v1/jobs/${out.job.id}`);

    const wait = preferredWait(headers.prefer);
    if (wait === null) {
      // A new job has no candidates or usage yet; a replayed one may.
      return c.json(out.kind === "created" ? toJobResource(out.job, null, []) : await loadJobResource(db, out.job), 201);
    }
    const job = (await waitForJob(db, out.job, wait)) ?? out.job;
    c.header("preference-applied", `wait=${wait}`);
    c.header("vary", "Prefer");
    return c.json(await loadJobResource(db, job), isFinished(job) ? 200 : 202);
  });
}
