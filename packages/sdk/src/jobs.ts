// client.jobs: submit, read, list, cancel and batch jobs, stream their progress and wait for them to finish.
import { type CreateJobRequest, JobList, JobResource, type JobSummary } from "@thinktime/core/api/jobs";
import { z } from "zod";
import type { Transport } from "./http.js";
import { JobProgress } from "./progress.js";
import { readEvents } from "./sse.js";

/** What `POST /v1/jobs` accepts: the request before defaults are applied. */
export type CreateJobInput = z.input<typeof CreateJobRequest>;

export interface CreateJobOptions {
  /** Same key + same body → the same job (a retry never submits twice). */
  idempotencyKey?: string;
  /** Seconds (≤ 60) the server waits for the job to finish before answering (`Prefer: wait=N`). */
  wait?: number;
  signal?: AbortSignal;
}

export interface ListJobsOptions {
  limit?: number;
  cursor?: string;
}

export type JobEvent = { type: "progress"; id: string | null; data: JobProgress } | { type: "done"; id: string | null; data: JobResource };

export interface EventsOptions {
  /** Resume after this event (what EventSource sends on reconnect). */
  lastEventId?: string;
  /** Reconnect when the server ends the stream before `done` (it does after 5 minutes). Default true. */
  reconnect?: boolean;
  /** Called with each heartbeat comment. */
  onComment?: (text: string) => void;
  signal?: AbortSignal;
}

export interface WaitOptions {
  onProgress?: (p: JobProgress) => void;
  signal?: AbortSignal;
}

const JobBatch = z.object({ object: z.literal("list"), data: z.array(JobResource) });
const path = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export class Jobs {
  constructor(private readonly http: Transport) {}

  create(body: CreateJobInput, opts: CreateJobOptions = {}): Promise<JobResource> {
    const headers: Record<string, string> = {};
    if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
    if (opts.wait !== undefined) headers.prefer = `wait=${Math.max(0, Math.round(opts.wait))}`;
    return this.http.call(JobResource, "POST", "/v1/jobs", { json: body, headers, signal: opts.signal });
  }

  get(id: string): Promise<JobResource> {
    return this.http.call(JobResource, "GET", path(id));
  }

  /** One page, newest first; pass `next_cursor` back as `cursor` for the next. */
  list(opts: ListJobsOptions = {}): Promise<JobList> {
    return this.http.call(JobList, "GET", "/v1/jobs", { query: { limit: opts.limit, cursor: opts.cursor } });
  }

  /** Every job of the tenant, newest first, fetching pages of `limit` as the caller goes. */
  async *listAll(opts: Omit<ListJobsOptions, "cursor"> = {}): AsyncGenerator<JobSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...opts, cursor });
      yield* page.data;
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  cancel(id: string): Promise<JobResource> {
    return this.http.call(JobResource, "POST", `${path(id)}/cancel`);
  }

  /** Up to 100 jobs at once, all or none; the jobs come back in the order sent. */
  async batch(bodies: CreateJobInput[]): Promise<JobResource[]> {
    return (await this.http.call(JobBatch, "POST", "/v1/jobs/batch", { json: { jobs: bodies } })).data;
  }

  /** The job's progress events, then its `done` event (the finished job); reconnects with Last-Event-ID as EventSource does. */
  async *events(id: string, opts: EventsOptions = {}): AsyncGenerator<JobEvent> {
    let lastEventId = opts.lastEventId;
    let retryMs = 2_000;
    for (;;) {
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (lastEventId) headers["last-event-id"] = lastEventId;
      const res = await this.http.send("GET", `${path(id)}/events`, { headers, signal: opts.signal });
      if (res.status === 204 || !res.body) return;
      for await (const m of readEvents(res.body, opts.onComment)) {
        lastEventId = m.id ?? lastEventId;
        if (m.retry !== undefined) retryMs = m.retry;
        const eventId = m.id ?? null;
        if (m.event === "progress") yield { type: "progress", id: eventId, data: JobProgress.parse(JSON.parse(m.data)) };
        else if (m.event === "done") {
          yield { type: "done", id: eventId, data: JobResource.parse(JSON.parse(m.data)) };
          return;
        }
      }
      if (opts.reconnect === false || opts.signal?.aborted) return;
      await sleep(retryMs, opts.signal);
    }
  }

  /** Follows the event stream until the job finishes and returns it (succeeded, failed or canceled). */
  async waitFor(id: string, opts: WaitOptions = {}): Promise<JobResource> {
    for await (const e of this.events(id, { signal: opts.signal })) {
      if (e.type === "progress") opts.onProgress?.(e.data);
      else return e.data;
    }
    // Reconnecting after `done` answers 204: the job finished between streams, so read it.
    return this.get(id);
  }
}
