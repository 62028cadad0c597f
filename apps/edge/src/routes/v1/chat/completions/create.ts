// POST /v1/chat/completions: OpenAI-compatible; submits the question as a job (as POST /v1/jobs does), waits, answers or streams.
import { createRoute, z } from "@hono/zod-openapi";
import type { JobResource } from "@thinktime/core";
import type { Job } from "@thinktime/db";
import { ApiError } from "../../../../errors.js";
import type { App } from "../../../../hono.js";
import { MAX_WAIT_SECONDS } from "../../../../lib/prefer.js";
import { eventStream } from "../../../../lib/sse.js";
import { requireKey } from "../../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, problems } from "../../../schemas.js";
import { IdempotencyHeaders } from "../../jobs/idempotency.js";
import { loadJobResource } from "../../jobs/resource.js";
import { submitOne } from "../../jobs/submit.js";
import { waitForJob } from "../../jobs/wait.js";
import { chatJobRequest } from "./job-request.js";
import { waitWithProgress } from "./progress-stream.js";
import { ChatCompletionBody, ChatCompletionSchema } from "./schema.js";
import { chunk, completionHead, finalChunks, toChatCompletion } from "./serialize.js";

/** The SDKs retry 5xx answers; retrying these would queue and pay for the same question again. */
const NO_RETRY = { "x-should-retry": "false" };

export const createChatCompletionRoute = createRoute({
  method: "post",
  path: "/v1/chat/completions",
  operationId: "createChatCompletion",
  tags: ["openai"],
  summary: "Answer the last user message with a job (OpenAI-compatible chat completion)",
  description:
    "The model names the strategy (GET /v1/models); `thinktime: {strategy, n, budget, wait, …}` overrides it. The job is " +
    `created as POST /v1/jobs creates it and waited for up to ${MAX_WAIT_SECONDS} s. \`stream: true\` answers with ` +
    "`chat.completion.chunk` events: the role; while the job runs, whenever its progress changes, a chunk with an empty " +
    "`delta` and an extra `thinktime: {progress}` (status, best answer so far, candidates, usage against budget; as " +
    "GET /v1/jobs/{id}/events sends it; SDKs ignore it); the answer line by line; the finish; usage when " +
    "`stream_options.include_usage`; then `data: [DONE]`. A job that fails ends the stream with an `error` event instead.",
  security: BEARER,
  middleware: [requireKey("jobs:write")] as const,
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: ChatCompletionBody } } },
  },
  responses: {
    200: {
      description: "The completion; with `stream: true`, its chunks as Server-Sent Events",
      content: { "application/json": { schema: ChatCompletionSchema }, "text/event-stream": { schema: z.string() } },
    },
    ...problems(
      "invalid_json", "validation_failed", ...AUTH_PROBLEMS, "not_found", "credits_exhausted", "idempotency_mismatch",
      "budget_too_small", "payload_too_large", "unsupported_media_type", "planner_unavailable", "job_failed", "job_timeout",
    ),
  },
});

/** Why a job that did not succeed has no completion, as the API error a client gets. */
function unfinished(job: Job | JobResource): ApiError {
  const id = job.id;
  if (job.status === "failed" || job.status === "canceled") {
    const why = job.error ? `: ${job.error.message}` : "";
    return new ApiError("job_failed", `Job ${id} ${job.status}${why}.`, undefined, NO_RETRY);
  }
  return new ApiError("job_timeout", `Job ${id} is still ${job.status}; GET /v1/jobs/${id} has it when it finishes.`, undefined, NO_RETRY);
}

export function registerCreateChatCompletion(app: App) {
  app.openapi(createChatCompletionRoute, async (c) => {
    const body = c.req.valid("json");
    const db = c.get("services").db;
    const request = chatJobRequest(body);
    const out = await submitOne(c.get("services"), c.get("tenant").id, request, {
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      pathPrefix: "thinktime.",
    });
    if (out.kind === "replayed") c.header("idempotent-replayed", "true");
    c.header("location", `/v1/jobs/${out.job.id}`);
    const wait = body.thinktime?.wait ?? MAX_WAIT_SECONDS;

    if (!body.stream) {
      const job = (await waitForJob(db, out.job, wait)) ?? out.job;
      if (job.status !== "succeeded") throw unfinished(job);
      return c.json(toChatCompletion(await loadJobResource(db, job), body.model), 200);
    }
    const head = completionHead({ id: out.job.id, created_at: out.job.createdAt.toISOString() }, body.model);
    return eventStream(c, async (stream) => {
      await stream.send({ data: chunk(head, { role: "assistant", content: "" }) });
      const job = await waitWithProgress(db, out.job, head, wait, stream);
      if (stream.signal.aborted) return;
      if (job.status !== "succeeded") {
        const err = unfinished(job);
        await stream.send({ data: { error: { message: err.message, type: err.code, code: err.code, job_id: job.id } } });
        return;
      }
      const resource = await loadJobResource(db, job);
      for (const data of finalChunks(head, resource, body.stream_options?.include_usage === true)) await stream.send({ data });
      await stream.send({ data: "[DONE]" });
    });
  });
}
