// POST /v1/jobs: validate, reserve the job's credit budget, enqueue (201); Idempotency-Key replays; Prefer: wait=N.
import { createRoute } from "@hono/zod-openapi";
import { budgetTooSmall, resolveJobParams } from "@thinktime/core";
import { jobCreditBudget } from "@thinktime/core/api/credits";
import { submitJob } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { preferredWait } from "../../../lib/prefer.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, CreateJobBody, JobSchema, json, problems } from "../../schemas.js";
import { IdempotencyHeaders, requestHash } from "./idempotency.js";
import { loadJobResource } from "./resource.js";
import { toJobResource } from "./serialize.js";
import { isFinished, PreferHeaders, waitForJob } from "./wait.js";

const randomSeed = () => crypto.getRandomValues(new Uint32Array(1))[0]! >>> 1;

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
      "payload_too_large", "unsupported_media_type",
    ),
  },
});

export function registerCreateJob(app: App) {
  app.openapi(createJobRoute, async (c) => {
    const req = c.req.valid("json");
    const headers = c.req.valid("header");
    const db = c.get("services").db;
    const tenantId = c.get("tenant").id;
    const idemKey = headers["idempotency-key"];
    const params = resolveJobParams(req, randomSeed);
    // Token budgets are checked here; FLOPs need the models' shapes, which only the generator knows.
    const tooSmall = await budgetTooSmall(req.strategy, req.question, params);
    if (tooSmall) {
      throw new ApiError("budget_too_small", `${req.strategy} cannot start: ${tooSmall.message}.`, [
        { path: "budget.tokens", message: `must be at least ${tooSmall.needed.tokens}` },
      ]);
    }
    const out = await submitJob(db, {
      tenantId,
      question: req.question,
      strategy: req.strategy,
      params,
      credits: jobCreditBudget(params, req.question, req.strategy),
      idempotency: idemKey ? { key: idemKey, requestHash: await requestHash(req) } : undefined,
    });
    if (out.kind === "idempotency_mismatch") {
      throw new ApiError("idempotency_mismatch", "This Idempotency-Key was already used with a different request.");
    }
    if (out.kind === "insufficient_credits") {
      const { limit, reserved, spent, period } = out.balance;
      const left = Math.max(0, (limit ?? 0) - reserved - spent);
      throw new ApiError("credits_exhausted", `This job needs up to ${out.needed} credits; ${left} of ${limit} are left for ${period}.`);
    }
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
