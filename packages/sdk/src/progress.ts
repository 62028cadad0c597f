// The `progress` event of GET /v1/jobs/{id}/events (the edge's JobProgress): what a watcher sees while a job runs.
import { JOB_STATUSES, JobUsageSchema } from "@thinktime/core/api/jobs";
import { z } from "zod";

export const JobProgress = z.object({
  id: z.string(),
  status: z.enum(JOB_STATUSES),
  strategy: z.string(),
  best_answer: z.string().nullable(),
  candidates: z.number().int(),
  usage: JobUsageSchema.nullable(),
  budget: z.object({ tokens: z.number().optional(), flops: z.number().optional() }).nullable(),
  spent: z.object({ tokens: z.number(), flops: z.number() }),
  cancel_requested: z.boolean(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;
