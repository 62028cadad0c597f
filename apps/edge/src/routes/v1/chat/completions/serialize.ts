// A finished job as an OpenAI chat.completion, or as the chat.completion.chunk events of a stream.
import type { JobResource } from "@thinktime/core";
import type { JobProgress } from "../../jobs/progress.js";
import type { ChatCompletion, ThinktimeReport } from "./schema.js";

/** The chat message of a job: its chosen candidate's text (the answer alone when no candidate is stored). */
export function answerOf(job: JobResource): { content: string; finish_reason: "stop" | "length" } {
  const chosen = job.candidates.find((c) => c.chosen) ?? job.candidates.find((c) => c.index === job.result?.chosen);
  return {
    content: chosen?.text ?? job.result?.answer ?? "",
    finish_reason: chosen?.finish_reason === "length" ? "length" : "stop",
  };
}

export function usageOf(job: JobResource): ChatCompletion["usage"] {
  const prompt = job.usage?.prompt_tokens ?? 0;
  const completion = job.usage?.generated_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function thinktimeOf(job: JobResource): ThinktimeReport {
  return {
    job_id: job.id,
    strategy: job.strategy,
    answer: job.result?.answer ?? null,
    candidates: job.candidates.length,
    verifier_tokens: job.usage?.verifier_tokens ?? 0,
    flops: job.usage?.flops ?? 0,
  };
}

/** What every completion and chunk of one job shares. */
export function completionHead(job: Pick<JobResource, "id" | "created_at">, model: string) {
  return {
    id: `chatcmpl-${job.id}`,
    created: Math.floor(Date.parse(job.created_at) / 1000),
    model,
    system_fingerprint: null,
  };
}

export function toChatCompletion(job: JobResource, model: string): ChatCompletion {
  const { content, finish_reason } = answerOf(job);
  return {
    ...completionHead(job, model),
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason }],
    usage: usageOf(job),
    thinktime: thinktimeOf(job),
  };
}

type Head = ReturnType<typeof completionHead>;

export function chunk(head: Head, delta: { role?: "assistant"; content?: string }, finish: "stop" | "length" | null = null) {
  return { ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
}

/** A running job's progress as a chunk with an empty delta: SDKs pass the extra `thinktime` field by. */
export function progressChunk(head: Head, progress: JobProgress) {
  return { ...chunk(head, {}), thinktime: { progress } };
}

/** The content as stream deltas: one per line, each with its newline, so that they concatenate to it exactly. */
export function contentLines(content: string): string[] {
  return content.match(/[^\n]*\n|[^\n]+/g) ?? [content];
}

/** The chunks a finished job streams after its progress: its text line by line, the finish, and usage when asked for. */
export function finalChunks(head: Head, job: JobResource, includeUsage: boolean): unknown[] {
  const { content, finish_reason } = answerOf(job);
  const out: unknown[] = contentLines(content).map((line) => chunk(head, { content: line }));
  out.push({ ...chunk(head, {}, finish_reason), thinktime: thinktimeOf(job) });
  if (includeUsage) out.push({ ...head, object: "chat.completion.chunk", choices: [], usage: usageOf(job) });
  return out;
}
