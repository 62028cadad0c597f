// Loads what a full job resource needs beyond the job row: its candidates and summed usage.
import type { JobResource } from "@thinktime/core";
import type { Database, Job } from "@thinktime/db";
import { jobCandidates, usageByJob } from "./queries.js";
import { toJobResource } from "./serialize.js";

export async function loadJobResource(db: Database, job: Job): Promise<JobResource> {
  const [cands, usage] = await Promise.all([jobCandidates(db, job.id), usageByJob(db, job.tenantId, [job.id])]);
  return toJobResource(job, usage.get(job.id) ?? null, cands);
}
