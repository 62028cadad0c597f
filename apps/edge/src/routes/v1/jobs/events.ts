// GET /v1/jobs/{id}/events: the job's progress as Server-Sent Events, polled from Postgres until it finishes.
import { createRoute, z } from "@hono/zod-openapi";
import type { Database, Job } from "@thinktime/db";
import { ApiError } from "../../../errors.js";
import type { App } from "../../../hono.js";
import { eventStream, type EventStream } from "../../../lib/sse.js";
import { requireKey } from "../../../middleware/auth.js";
import { AUTH_PROBLEMS, BEARER, JobIdParam, problems } from "../../schemas.js";
import { progressId, loadProgress } from "./progress.js";
import { findJob } from "./queries.js";
import { loadJobResource } from "./resource.js";
import { isFinished } from "./wait.js";

/** The `done` event's id: a client that saw it has everything, and reconnecting with it is answered 204. */
export const DONE_EVENT_ID = "done";

export interface JobEventTiming {
  /** Between reads of the job. */
  pollMs: number;
  /** A comment line after this long without an event, so proxies keep the connection. */
  heartbeatMs: number;
  /** The stream ends after this long (the client reconnects with Last-Event-ID to go on). */
  lifetimeMs: number;
  /** The client's reconnection delay, sent with the first event. */
  retryMs: number;
}

export const JOB_EVENT_TIMING: JobEventTiming = { pollMs: 500, heartbeatMs: 15_000, lifetimeMs: 5 * 60_000, retryMs: 2_000 };

const EventHeaders = z.object({
  "last-event-id": z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: "last-event-id", in: "header" }, description: "The id of the last event seen (EventSource sends it when reconnecting)" }),
});

export const jobEventsRoute = createRoute({
  method: "get",
  path: "/v1/jobs/{id}/events",
  operationId: "streamJobEvents",
  tags: ["jobs"],
  summary: "Stream a job's progress (Server-Sent Events)",
  description:
    "`event: progress` (status, best answer so far, candidates, usage against budget) whenever it changes, then `event: done` with the " +
    `finished job. Comment heartbeats every ${JOB_EVENT_TIMING.heartbeatMs / 1000} s; the stream ends after ` +
    `${JOB_EVENT_TIMING.lifetimeMs / 60_000} minutes (reconnect with Last-Event-ID).`,
  security: BEARER,
  middleware: [requireKey("jobs:read")] as const,
  request: { params: JobIdParam, headers: EventHeaders },
  responses: {
    200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
    204: { description: "Last-Event-ID was the `done` event of a finished job: nothing more will come" },
    ...problems("validation_failed", ...AUTH_PROBLEMS, "not_found"),
  },
});

/** Sends progress whenever it changes and `done` once the job is finished; ends early on abort or after the lifetime. */
export async function streamJobEvents(
  db: Database,
  job: Job,
  stream: EventStream,
  opts: { lastEventId?: string; timing?: JobEventTiming } = {},
): Promise<void> {
  const timing = opts.timing ?? JOB_EVENT_TIMING;
  const deadline = Date.now() + timing.lifetimeMs;
  let lastId = opts.lastEventId;
  let lastWrite = Date.now();
  let retry: number | undefined = timing.retryMs;
  while (!stream.signal.aborted) {
    const now = await loadProgress(db, job.tenantId, job.id);
    if (!now) return;
    const id = progressId(now.progress);
    if (id !== lastId) {
      await stream.send({ event: "progress", id, retry, data: now.progress });
      [lastId, lastWrite, retry] = [id, Date.now(), undefined];
    }
    if (isFinished(now.job)) {
      await stream.send({ event: "done", id: DONE_EVENT_ID, data: await loadJobResource(db, now.job) });
      return;
    }
    if (Date.now() >= deadline) {
      await stream.comment("lifetime reached; reconnect with Last-Event-ID to go on");
      return;
    }
    if (Date.now() - lastWrite >= timing.heartbeatMs) {
      await stream.comment("heartbeat");
      lastWrite = Date.now();
    }
    await stream.sleep(Math.min(timing.pollMs, deadline - Date.now(), lastWrite + timing.heartbeatMs - Date.now()));
  }
}

export function registerJobEvents(app: App) {
  app.openapi(jobEventsRoute, async (c) => {
    const { id } = c.req.valid("param");
    const lastEventId = c.req.valid("header")["last-event-id"];
    const db = c.get("services").db;
    const job = await findJob(db, c.get("tenant").id, id);
    if (!job) throw new ApiError("not_found", "No such job.");
    if (lastEventId === DONE_EVENT_ID && isFinished(job)) return c.body(null, 204);
    return eventStream(c, (stream) => streamJobEvents(db, job, stream, { lastEventId }));
  });
}
