// Waits for a streamed chat completion's job, sending a `thinktime.progress` chunk whenever its progress changes.
import type { Database, Job } from "@thinktime/db";
import type { EventStream } from "../../../../lib/sse.js";
import { loadProgress, progressId } from "../../jobs/progress.js";
import { isFinished } from "../../jobs/wait.js";
import { type completionHead, progressChunk } from "./serialize.js";

export interface ProgressTiming {
  /** The first pause between reads of the job; it doubles up to `pollMs`. */
  firstPollMs: number;
  pollMs: number;
  /** A comment line after this long without a write, so proxies and clients do not give up. */
  heartbeatMs: number;
}

export const PROGRESS_TIMING: ProgressTiming = { firstPollMs: 25, pollMs: 500, heartbeatMs: 5_000 };

/** The job once it finished, `seconds` ran out or the client left; its progress went out as chunks meanwhile. */
export async function waitWithProgress(
  db: Database,
  job: Job,
  head: ReturnType<typeof completionHead>,
  seconds: number,
  stream: EventStream,
  timing: ProgressTiming = PROGRESS_TIMING,
): Promise<Job> {
  const deadline = Date.now() + seconds * 1000;
  let current = job;
  let lastId: string | undefined;
  let lastWrite = Date.now();
  let delay = timing.firstPollMs;
  while (!stream.signal.aborted) {
    const now = await loadProgress(db, job.tenantId, job.id);
    if (!now) return current;
    current = now.job;
    const id = progressId(now.progress);
    if (id !== lastId) {
      await stream.send({ data: progressChunk(head, now.progress) });
      lastId = id;
      lastWrite = Date.now();
    }
    const left = deadline - Date.now();
    if (isFinished(current) || left <= 0) return current;
    if (Date.now() - lastWrite >= timing.heartbeatMs) {
      await stream.comment("waiting for the job");
      lastWrite = Date.now();
    }
    await stream.sleep(Math.min(delay, left, lastWrite + timing.heartbeatMs - Date.now()));
    delay = Math.min(delay * 2, timing.pollMs);
  }
  return current;
}
