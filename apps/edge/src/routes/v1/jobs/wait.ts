// Waits for a job to finish for `Prefer: wait=N`: polls its row with backoff until it is terminal or time is up.
import { z } from "@hono/zod-openapi";
import type { Database, Job } from "@thinktime/db";
import { MAX_WAIT_SECONDS } from "../../../lib/prefer.js";
import { findJob } from "./queries.js";

const TERMINAL = new Set<Job["status"]>(["succeeded", "failed", "canceled"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const PreferHeaders = z.object({
  prefer: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: "prefer", in: "header" },
      description: `\`wait=N\`: hold the response up to N seconds (at most ${MAX_WAIT_SECONDS}) for the job to finish`,
      example: "wait=10",
    }),
});

export const isFinished = (job: Job) => TERMINAL.has(job.status);

/** The job as it stands when it finished or `seconds` ran out (null only if it disappeared meanwhile). */
export async function waitForJob(db: Database, job: Job, seconds: number): Promise<Job | null> {
  const deadline = Date.now() + seconds * 1000;
  let current: Job | null = job;
  let delay = 25;
  while (current && !isFinished(current)) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 500);
    current = await findJob(db, job.tenantId, job.id);
  }
  return current;
}
