// Turns job, candidate and usage rows into the public resource shapes of @thinktime/core.
import type { JobCandidate, JobResource, JobSummary, JobUsage } from "@thinktime/core";
import type { Candidate, Job } from "@thinktime/db";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobSummary(job: Job, usage: JobUsage | null): JobSummary {
  return {
    id: job.id,
    object: "job",
    status: job.status,
    question: job.question,
    strategy: job.strategy as JobSummary["strategy"],
    params: job.params as JobSummary["params"],
    result: (job.result ?? null) as JobSummary["result"],
    error: job.error ?? null,
    usage,
    cancel_requested: job.cancelRequested,
    created_at: job.createdAt.toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
  };
}

export function toCandidate(c: Candidate): JobCandidate {
  return {
    index: c.index,
    text: c.text,
    answer: c.answer,
    tokens: c.tokens,
    logprob: c.logprob,
    score: c.score,
    finish_reason: c.finishReason,
    chosen: c.chosen,
  };
}

export function toJobResource(job: Job, usage: JobUsage | null, cands: Candidate[]): JobResource {
  return { ...toJobSummary(job, usage), candidates: cands.map(toCandidate) };
}
