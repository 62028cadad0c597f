// POST /v1/jobs/batch: many jobs in one request (JSON `{jobs: [...]}` or NDJSON), queued all or none with one credit reservation;
// an Idempotency-Key replays the whole batch.
import { createRoute, z } from "@hono/zod-openapi";
import type { CreateJobRequest } from "@thinktime/core";
import { submitJobs, type NewJob } from "@thinktime/db";
import { ApiError, type FieldError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { fieldErrors } from "../../../lib/error-handler.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreateJobBody, JobSchema, json, problems } from "../../schemas.js";
import { parseJobLines } from "./batch-ndjson.js";
import { IdempotencyHeaders, requestHash } from "./idempotency.js";
import { usageByJob } from "./queries.js";
import { toJobResource } from "./serialize.js";
import { creditsExhausted, policyTableOnce, prepareJob } from "./submit.js";

export const MAX_BATCH_JOBS = 100;
/** NDJSON's media type. (Not `application/jsonl`: zod-openapi would take it for JSON and validate JSON bodies as lines.) */
export const NDJSON_TYPE = "application/x-ndjson";

export const CreateJobBatchBody = z
  .object({ jobs: z.array(CreateJobBody).min(1).max(MAX_BATCH_JOBS) })
  .strict()
  .openapi("CreateJobBatchRequest");
const JobBatchSchema = z.object({ object: z.literal("list"), data: z.array(JobSchema) }).openapi("JobBatch");

const ndjson = {
  schema: z.string().openapi({ description: `One CreateJobRequest per line, at most ${MAX_BATCH_JOBS}; blank lines are skipped` }),
};

export const createJobBatchRoute = createRoute({
  method: "post",
  path: "/v1/jobs/batch",
  operationId: "createJobBatch",
  tags: ["jobs"],
  summary: "Submit many jobs at once, all or none",
  security: BEARER,
  middleware: [requireKey("jobs:write")] as const,
  request: {
    headers: z.object({
      "idempotency-key": IdempotencyHeaders.shape["idempotency-key"].openapi({
        description:
          "Retries with the same key and the same jobs (sent as JSON or NDJSON alike) return the jobs the first request queued, " +
          "with `idempotent-replayed: true`; the same key with other jobs is a 422 `idempotency_mismatch` (24 h, per tenant)",
      }),
    }),
    // Not `required`: the JSON validator would then run on NDJSON bodies too. A missing body is refused below.
    body: { content: { "application/json": { schema: CreateJobBatchBody }, [NDJSON_TYPE]: ndjson } },
  },
  responses: {
    201: json(JobBatchSchema, "Every job, queued, in the order sent (or, for a replayed Idempotency-Key, the jobs the first request queued, as they are now)"),
    ...problems(
      "invalid_json", "validation_failed", ...AUTH_PROBLEMS, "credits_exhausted", "batch_invalid", "budget_too_small", "idempotency_mismatch",
      "payload_too_large", "unsupported_media_type", "planner_unavailable",
    ),
  },
});

/** Item errors (every path under `jobs.<i>`) are the batch's 422; anything else about the body is a plain 400. */
function invalidBatch(errors: FieldError[], where: (path: string) => string | null): ApiError {
  const items = [...new Set(errors.map((e) => where(e.path)))];
  if (items.includes(null)) return new ApiError("validation_failed", "The request is invalid.", errors);
  return new ApiError("batch_invalid", `Nothing was queued: ${items.join(", ")} ${items.length === 1 ? "is" : "are"} invalid.`, errors);
}

const itemName = (path: string) => {
  const index = /^body\.jobs\.(\d+)(\.|$)/.exec(path)?.[1];
  return index === undefined ? null : `jobs[${index}]`;
};

export function registerCreateJobBatch(app: App) {
  app.openapi(
    createJobBatchRoute,
    async (c) => {
      const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
      let reqs: CreateJobRequest[];
      let pathOf: (i: number) => string;
      if (type === NDJSON_TYPE) {
        const parsed = parseJobLines(await c.req.text(), MAX_BATCH_JOBS);
        if (parsed.kind === "too_many") {
          throw new ApiError("validation_failed", `A batch holds at most ${MAX_BATCH_JOBS} jobs.`, [
            { path: "body", message: `${parsed.lines} lines; at most ${MAX_BATCH_JOBS}` },
          ]);
        }
        if (parsed.kind === "invalid") throw invalidBatch(parsed.errors, (p) => /^line\.\d+(?=\.|$)/.exec(p)?.[0] ?? null);
        [reqs, pathOf] = [parsed.jobs.map((j) => j.request), (i) => `line.${parsed.jobs[i]!.line}`];
      } else if (type) {
        // Typed as any declared body, but only JSON reaches the JSON validator, so here it is the validated batch.
        [reqs, pathOf] = [(c.req.valid("json") as z.output<typeof CreateJobBatchBody>).jobs, (i) => `body.jobs.${i}`];
      } else {
        throw new ApiError("validation_failed", "The request needs a body: JSON `{jobs: [...]}` or NDJSON.", [{ path: "body", message: "required" }]);
      }

      const db = c.get("services").db;
      const tenantId = c.get("tenant").id;
      const policyTable = policyTableOnce(db);
      const batch: NewJob[] = [];
      const tooSmall: FieldError[] = [];
      for (const [i, req] of reqs.entries()) {
        const prepared = await prepareJob(req, policyTable);
        if ("job" in prepared) batch.push(prepared.job);
        else tooSmall.push({ path: `${pathOf(i)}.${prepared.tooSmall.path}`, message: `${prepared.tooSmall.detail} ${prepared.tooSmall.message}` });
      }
      if (tooSmall.length > 0) {
        throw new ApiError("budget_too_small", `Nothing was queued: ${tooSmall.length} of ${reqs.length} jobs cannot start within their budget.`, tooSmall);
      }
      const key = c.req.valid("header")["idempotency-key"];
      // The validated jobs, so a JSON body and NDJSON lines asking for the same jobs are the same request.
      const idempotency = key ? { key, requestHash: await requestHash({ jobs: reqs }) } : undefined;
      const out = await submitJobs(db, tenantId, batch, { idempotency });
      if (out.kind === "insufficient_credits") throw creditsExhausted(out.balance, out.needed, `This batch of ${batch.length} jobs`);
      if (out.kind === "idempotency_mismatch") {
        throw new ApiError("idempotency_mismatch", "This Idempotency-Key was already used with a different request.");
      }
      if (out.kind === "created") return c.json({ object: "list" as const, data: out.jobs.map((j) => toJobResource(j, null, [])) }, 201);
      // A replay shows the jobs as they are now (candidates stay with GET /v1/jobs/{id}, as in the first response).
      c.header("idempotent-replayed", "true");
      const usage = await usageByJob(db, tenantId, out.jobs.map((j) => j.id));
      return c.json({ object: "list" as const, data: out.jobs.map((j) => toJobResource(j, usage.get(j.id) ?? null, [])) }, 201);
    },
    (result) => {
      if (!result.success) throw invalidBatch(fieldErrors(result.error, result.target), itemName);
      return undefined;
    },
  );
}
